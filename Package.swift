// swift-tools-version:6.0
import PackageDescription

/// GANKit: generative adversarial networks in Swift on Linux.
/// One target per layer of DESIGN.md; an arrow there is a dependency here.


let package = Package(
    name: "GANKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TensorCore", targets: ["TensorCore"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "GAN", targets: ["GAN"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .executable(name: "gankit", targets: ["gankit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // Small C kernels with CPU dispatch at run time (the Swift targets build for baseline x86-64).
        .target(name: "CKernels"),
        .target(name: "TensorCore", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "NN", dependencies: ["TensorCore", "CKernels"]),
        .target(name: "MPI", dependencies: ["TensorCore"]),
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib", "CTurboJPEG"]),
        .target(name: "GAN", dependencies: ["TensorCore", "NN", "Datasets", "Metrics", "MPI"]),
        .target(name: "Metrics", dependencies: ["TensorCore", "NN", "Datasets", "COpenBLAS"]),
        .executableTarget(name: "gankit", dependencies: [
            "TensorCore", "NN", "Datasets", "GAN", "Metrics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Multi-process checks the MPI tests run under mpirun.
        .executableTarget(name: "gankit-mpi-check", dependencies: ["TensorCore", "NN", "MPI"]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "CKernels"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN", "GAN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GANTests", dependencies: ["GAN"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CommandLineTests", dependencies: ["gankit", "Datasets", "TensorCore"]),
        .testTarget(name: "MPITests", dependencies: ["gankit", "gankit-mpi-check", "NN", "TensorCore"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"],
                    resources: [.copy("Fixtures")]),
    ]
)
