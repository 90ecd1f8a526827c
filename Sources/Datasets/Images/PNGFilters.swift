/// The five PNG scanline filters (None, Sub, Up, Average, Paeth), applied and undone in place
/// on raw row bytes. `bytesPerPixel` is the distance to the "left" byte (at least 1).
enum PNGFilter {
    /// The Paeth predictor: whichever of left, up and up-left is closest to left + up - upLeft.
    @inline(__always)
    static func paeth(_ left: UInt8, _ up: UInt8, _ upLeft: UInt8) -> UInt8 {
        let estimate = Int(left) + Int(up) - Int(upLeft)
        let distanceLeft = abs(estimate - Int(left)), distanceUp = abs(estimate - Int(up))
        let distanceUpLeft = abs(estimate - Int(upLeft))
        if distanceLeft <= distanceUp && distanceLeft <= distanceUpLeft { return left }
        if distanceUp <= distanceUpLeft { return up }
        return upLeft
    }

    /// Reverses filter `type` on `row` (`count` bytes), given the already reconstructed
    /// `previous` row (nil for the first row of an image or pass). Returns false for an
    /// unknown filter type.
    static func unfilter(type: UInt8, row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>?,
                         count: Int, bytesPerPixel: Int) -> Bool {
        switch type {
        case 0:
            return true
        case 1:
            if count > bytesPerPixel {
                for index in bytesPerPixel..<count { row[index] &+= row[index - bytesPerPixel] }
            }
        case 2:
            guard let previous else { return true }
            for index in 0..<count { row[index] &+= previous[index] }
        case 3:
            for index in 0..<count {
                let left = index >= bytesPerPixel ? Int(row[index - bytesPerPixel]) : 0
                let up = previous.map { Int($0[index]) } ?? 0
                row[index] &+= UInt8((left + up) >> 1)
            }
        case 4:
            for index in 0..<count {
                let left = index >= bytesPerPixel ? row[index - bytesPerPixel] : 0
                let up = previous?[index] ?? 0
                let upLeft = (index >= bytesPerPixel ? previous?[index - bytesPerPixel] : 0) ?? 0
                row[index] &+= paeth(left, up, upLeft)
            }
        default:
            return false
        }
        return true
    }

    /// Writes `row` filtered with `type` to `output` (`count` bytes), given the unfiltered
    /// `previous` row or nil.
    static func filter(type: UInt8, row: UnsafePointer<UInt8>, previous: UnsafePointer<UInt8>?,
                       output: UnsafeMutablePointer<UInt8>, count: Int, bytesPerPixel: Int) {
        for index in 0..<count {
            let left = index >= bytesPerPixel ? row[index - bytesPerPixel] : 0
            let up = previous?[index] ?? 0
            let upLeft = (index >= bytesPerPixel ? previous?[index - bytesPerPixel] : 0) ?? 0
            let prediction: UInt8
            switch type {
            case 1: prediction = left
            case 2: prediction = up
            case 3: prediction = UInt8((Int(left) + Int(up)) >> 1)
            case 4: prediction = paeth(left, up, upLeft)
            default: prediction = 0
            }
            output[index] = row[index] &- prediction
        }
    }
}
