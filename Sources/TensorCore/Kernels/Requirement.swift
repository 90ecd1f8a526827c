/// Stops the program with `message` when `condition` is false. Used for programming errors
/// such as mismatched shapes; unlike `precondition`, the message survives optimized builds,
/// so the user sees which op failed and with which shapes.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
