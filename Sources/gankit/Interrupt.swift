import Foundation
import Synchronization

/// Ctrl-C during training: the first press asks the trainer to save a checkpoint and stop at
/// the next step boundary; a second press ends the process at once.
enum Interrupt {
    static let requested = Atomic<Bool>(false)

    static func install() {
        signal(SIGINT) { _ in
            Interrupt.requested.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
    }

    static var isRequested: Bool { requested.load(ordering: .relaxed) }
}
