import Foundation
import TensorCore

/// Open MPI's world communicator, loaded at run time.
///
/// GANKit does not link against MPI: Open MPI's runtime library `libmpi.so.40` (Open MPI 3 to 5;
/// Debian's `openmpi-bin` pulls it in, no headers needed) is opened with `dlopen` when a process finds itself
/// started by `mpirun`, and the few functions and handles used are looked up by name (Open
/// MPI's `MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM` are the addresses of the global objects
/// `ompi_mpi_comm_world`, `ompi_mpi_float`, `ompi_mpi_op_sum`). So the package builds and runs
/// single-process on machines without MPI. MPICH's ABI (integer handles) is not supported.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let functions: Functions
    private var finalized = false
    /// All-reduces made so far, bytes they carried and seconds spent in them.
    public private(set) var reductions = 0
    public private(set) var bytesReduced = 0
    public private(set) var seconds = 0.0

    /// Whether this process was started by Open MPI's `mpirun` (it sets `OMPI_COMM_WORLD_SIZE`).
    public static var isLaunchedByMPI: Bool { ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil }

    /// Loads Open MPI and initializes it (`MPI_Init`); throws a message naming what is missing.
    public init(library: String? = nil) throws {
        functions = try Functions(library: library)
        try functions.check(functions.initialize(nil, nil), "MPI_Init")
        var value: Int32 = 0
        try functions.check(functions.commRank(functions.world, &value), "MPI_Comm_rank")
        rank = Int(value)
        try functions.check(functions.commSize(functions.world, &value), "MPI_Comm_size")
        size = Int(value)
    }

    public func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) {
        precondition(count <= Int(Int32.max), "MPI all-reduce of \(count) floats exceeds one message")
        let start = DispatchTime.now().uptimeNanoseconds
        // MPI_IN_PLACE is (void *) 1 in Open MPI. Errors abort the job (MPI_ERRORS_ARE_FATAL).
        _ = functions.allreduce(UnsafeRawPointer(bitPattern: 1), values, Int32(count), functions.float, functions.sum, functions.world)
        seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        reductions += 1
        bytesReduced += count * MemoryLayout<Float>.size
    }

    /// Waits until every process gets here.
    public func barrier() { _ = functions.barrier(functions.world) }

    /// Ends every process of the job with `code` (MPI_Abort); does not return.
    public func abort(code: Int32) -> Never {
        _ = functions.abort(functions.world, code)
        exit(code)
    }

    /// Shuts MPI down (MPI_Finalize); call once when done.
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        _ = functions.finalize()
    }

    /// The entry points and handles looked up in the library.
    private struct Functions {
        typealias Handle = OpaquePointer
        typealias InitFunction = @convention(c) (UnsafeMutablePointer<Int32>?,
                                                 UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32
        typealias FinalizeFunction = @convention(c) () -> Int32
        typealias QueryFunction = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
        typealias AllreduceFunction = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle) -> Int32
        typealias BarrierFunction = @convention(c) (Handle) -> Int32
        typealias AbortFunction = @convention(c) (Handle, Int32) -> Int32
        let initialize: InitFunction
        let finalize: FinalizeFunction
        let commRank: QueryFunction
        let commSize: QueryFunction
        let allreduce: AllreduceFunction
        let barrier: BarrierFunction
        let abort: AbortFunction
        let world: Handle, float: Handle, sum: Handle

        /// Opens `library`, or else Open MPI's runtime library (`libmpi.so.40`, then `libmpi.so`).
        init(library requested: String?) throws {
            // RTLD_GLOBAL: Open MPI's plugins resolve symbols of libmpi itself.
            let candidates = requested.map { [$0] } ?? ["libmpi.so.40", "libmpi.so"]
            var opened: (handle: UnsafeMutableRawPointer, name: String)?
            var reason = "not found"
            for name in candidates {
                if let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) { opened = (handle, name); break }
                reason = dlerror().map { String(cString: $0) } ?? reason
            }
            guard let (handle, library) = opened else {
                throw MPIError.unavailable("cannot load Open MPI (\(candidates.joined(separator: ", "))): \(reason); install Debian's openmpi-bin, or run without mpirun")
            }
            func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
                guard let address = dlsym(handle, name) else { throw MPIError.unavailable("\(library) has no symbol \(name); GANKit needs Open MPI") }
                return address
            }
            func function<F>(_ name: String, as type: F.Type) throws -> F { unsafeBitCast(try symbol(name), to: type) }
            initialize = try function("MPI_Init", as: InitFunction.self)
            finalize = try function("MPI_Finalize", as: FinalizeFunction.self)
            commRank = try function("MPI_Comm_rank", as: QueryFunction.self)
            commSize = try function("MPI_Comm_size", as: QueryFunction.self)
            allreduce = try function("MPI_Allreduce", as: AllreduceFunction.self)
            barrier = try function("MPI_Barrier", as: BarrierFunction.self)
            abort = try function("MPI_Abort", as: AbortFunction.self)
            world = Handle(try symbol("ompi_mpi_comm_world"))
            float = Handle(try symbol("ompi_mpi_float"))
            sum = Handle(try symbol("ompi_mpi_op_sum"))
        }

        func check(_ status: Int32, _ call: String) throws {
            guard status == 0 else { throw MPIError.failed("\(call) returned error \(status)") }
        }
    }
}

/// Why MPI could not be used.
public enum MPIError: Error, CustomStringConvertible {
    case unavailable(String)
    case failed(String)

    public var description: String {
        switch self {
        case let .unavailable(message), let .failed(message): message
        }
    }
}
