import Dispatch
import Foundation

/// A first-in first-out queue of at most `capacity` elements between one producer thread and
/// one consumer: `push` blocks while the queue is full, `pop` while it is empty.
///
/// `@unchecked Sendable` is justified: the element storage is only touched under `lock`, and
/// the two semaphores count free and filled slots, so the producer and consumer threads never
/// see it in an inconsistent state.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []
    private var head = 0
    private var cancelled = false
    private let freeSlots = DispatchSemaphore(value: 0)
    private let filledSlots = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        precondition(capacity > 0, "BoundedQueue: capacity must be positive")
        // Signalled up instead of created with the count: libdispatch traps when a semaphore
        // is released with a value below the one it was created with.
        for _ in 0..<capacity { freeSlots.signal() }
    }

    /// Adds `element`, waiting for room. Returns false (dropping it) once the queue is cancelled.
    func push(_ element: Element) -> Bool {
        freeSlots.wait()
        lock.lock()
        if cancelled {
            lock.unlock()
            freeSlots.signal() // pass the wake-up on in case the producer pushes again
            return false
        }
        elements.append(element)
        lock.unlock()
        filledSlots.signal()
        return true
    }

    /// Removes the oldest element, waiting for one.
    func pop() -> Element {
        filledSlots.wait()
        lock.lock()
        let element = elements[head]
        head += 1
        if head > 64 && head * 2 > elements.count {
            elements.removeFirst(head)
            head = 0
        }
        lock.unlock()
        freeSlots.signal()
        return element
    }

    /// Tells the producer to stop: a blocked or later `push` returns false.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
        freeSlots.signal()
    }

    /// Whether `cancel()` was called.
    var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}
