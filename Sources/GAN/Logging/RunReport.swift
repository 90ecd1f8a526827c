import Datasets
import Foundation

/// The history of a run as one picture (`gankit report`): a small line-plot panel for every
/// scalar of `metrics.jsonl` (losses, D outputs, gradient norms, the monitor's measures,
/// throughput) against the step, next to the run's last sample picture.
public struct RunReport {
    /// Size of one scalar's panel.
    public static let panelWidth = 300, panelHeight = 170
    /// Panels per row.
    public static let columns = 3
    /// The box the sample picture is scaled into.
    public static let pictureSide = 360
    static let margin = 10, headerHeight = 24, captionHeight = 14

    /// A title line: the run folder, family, dataset and steps.
    public let title: String
    /// Every scalar's points (step, value), in panel order.
    public let series: [(name: String, points: [(x: Double, y: Double)])]
    /// The newest picture in `samples/`, and its file name.
    public let picture: (image: PNGImage, name: String)?

    /// Reads `metrics.jsonl`, `config.json` (for the title, when readable) and the newest
    /// picture of `samples/`. A folder without metrics, or metrics without one readable step,
    /// throws an error naming the file.
    public init(run: RunDirectory) throws {
        guard let data = FileManager.default.contents(atPath: run.metricsPath) else {
            throw TrainingError.invalidConfiguration("\(run.metricsPath) does not exist; give --run a folder written by gankit train")
        }
        var values: [String: [(x: Double, y: Double)]] = [:]
        var steps = 0, lastStep = 0
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let step = (object["step"] as? NSNumber)?.doubleValue else { continue }
            steps += 1
            lastStep = max(lastStep, Int(step))
            for (name, value) in object where name != "step" && name != "epoch" {
                guard let number = value as? NSNumber else { continue }
                values[name, default: []].append((step, number.doubleValue))
            }
        }
        guard steps > 0 else {
            throw TrainingError.invalidConfiguration("\(run.metricsPath) holds no step of metrics (one JSON object a line, with a step)")
        }
        series = values.keys.sorted { (Self.rank($0), $0) < (Self.rank($1), $1) }
            .map { name in (name, values[name]!.sorted { $0.x < $1.x }) }
        if let configuration = try? run.loadConfiguration() {
            title = "\(run.path): \(configuration.family) on \(configuration.dataset), seed \(configuration.seed), \(lastStep) steps"
        } else {
            title = "\(run.path): \(lastStep) steps"
        }
        let newest = (try? FileManager.default.contentsOfDirectory(atPath: run.samplesPath))?
            .filter { $0.hasSuffix(".png") }
            .compactMap { name -> (String, Date)? in
                let attributes = try? FileManager.default.attributesOfItem(atPath: run.samplesPath + "/" + name)
                return (attributes?[.modificationDate] as? Date).map { (name, $0) }
            }
            .max { ($0.1, $0.0) < ($1.1, $1.0) }
        picture = newest.flatMap { name, _ in (try? PNGImage(contentsOf: run.samplesPath + "/" + name)).map { ($0, name) } }
    }

    /// Panel order: losses, D outputs, gradient norms, the family's other scalars, the
    /// monitor's measures, throughput.
    static func rank(_ name: String) -> Int {
        if name == "imagesPerSecond" { return 5 }
        if name.hasPrefix("monitor") { return 4 }
        if name.lowercased().contains("loss") { return 0 }
        if name.hasSuffix("Score") { return 1 }
        if name.hasPrefix("gradientNorm") { return 2 }
        return 3
    }

    static func color(rank: Int) -> PlotCanvas.Color {
        [PlotCanvas.Color(31, 119, 180), PlotCanvas.Color(230, 120, 10), PlotCanvas.Color(44, 150, 44),
         PlotCanvas.Color(148, 103, 189), PlotCanvas.Color(214, 39, 40), PlotCanvas.Color(100, 100, 100)][rank]
    }

    /// The picture's size for `panelCount` panels, with or without a sample picture.
    public static func size(panelCount: Int, hasPicture: Bool) -> (width: Int, height: Int) {
        let rows = (panelCount + columns - 1) / columns
        let width = margin + (hasPicture ? pictureSide + margin : 0) + columns * panelWidth + margin
        let height = headerHeight + max(hasPicture ? pictureSide + captionHeight : 0, rows * panelHeight) + margin
        return (width, height)
    }

    /// Draws the report.
    public func render() -> PNGImage {
        let (width, height) = Self.size(panelCount: series.count, hasPicture: picture != nil)
        var canvas = PlotCanvas(width: width, height: height)
        canvas.text(title, x: Self.margin, y: 8)
        var left = Self.margin
        if let picture {
            canvas.text("last samples: " + picture.name, x: left, y: Self.headerHeight)
            canvas.draw(picture.image, x: left, y: Self.headerHeight + Self.captionHeight, boxWidth: Self.pictureSide, boxHeight: Self.pictureSide)
            left += Self.pictureSide + Self.margin
        }
        let allSteps = series.flatMap { $0.points.map(\.x) }
        let steps = (allSteps.min() ?? 0)...(allSteps.max() ?? 1)
        for (index, scalar) in series.enumerated() {
            let x = left + index % Self.columns * Self.panelWidth
            let y = Self.headerHeight + index / Self.columns * Self.panelHeight
            canvas.linePlot(scalar.points, title: scalar.name, x: x, y: y, width: Self.panelWidth - 6, height: Self.panelHeight - 4,
                            color: Self.color(rank: Self.rank(scalar.name)), steps: steps)
        }
        return canvas.image
    }
}
