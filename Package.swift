// swift-tools-version:6.0
// featuremaps: MobileNetV2 feature maps from Keras HDF5 weights, in Swift.
//
// The dependency list is the architecture:
//   FeatureMapsEngine   tensors, kernels, the MobileNetV2 graph, labels. Opens no files, prints nothing.
//   FeatureMapsKernels  the engine's SIMD kernels (register GEMM, depthwise, epilogues), 8 lanes;
//                       CKernelsAVX512 is their 16-lane twin in C (AVX-512 by target attributes in
//                       the source, no flags), called only on CPUs that have it (CCPUFeatures asks).
//   FeatureMapsKernelTypes  the contracts the kernels share (Epilogue, DepthwiseShape).
//   FeatureMapsSupport  what every layer shares: one-line message escaping, a monotonic clock.
//   FeatureMapsHDF5     HDF5 wrapper, Keras legacy weights layout -> a manifest, the reader's wire
//                       format. No Foundation, no engine: all that featuremaps-hdf5-reader links.
//   FeatureMapsHDF5Reader  the executable featuremaps-hdf5-reader: reads one weights file with
//                       libhdf5 in a process of its own (a crash or endless loop there ends it, not
//                       the caller). FeatureMapsWeights depends on it so that SwiftPM builds it
//                       beside every program that uses the library.
//   FeatureMapsWeights  starts the reader (posix_spawn), checks and reads its answer -> engine
//                       weights; weights lookup and download.
//   FeatureMapsProcessTuning  malloc settings for the command and the reader (process-wide; in no
//                       product, never called by a library module).
//   FeatureMapsModels   the user's own Keras model files (.keras zip, full-model .h5) -> a checked,
//                       neutral description (layers, graph, config as JSON values, weights). Its HDF5
//                       reading goes through FeatureMapsWeights' reader process (KerasStoredFile; the
//                       reader's model-file part, KerasModelStorage, is in FeatureMapsHDF5); the zip
//                       library (ZIPFoundation) is needed by it alone.
//   FeatureMapsImages   JPEG/PNG decode and PNG encode (C shims), antialiased resize.
//   FeatureMapsRender   normalisation, viridis, grid layout, bitmap font (pure Swift).
//   FeatureMaps         the library facade: weights lookup, pipeline, .npy, atomic writes.
//   FeatureMapsServer   `featuremaps serve`: the explorer's HTTP API on Hummingbird 2 (routing, request
//                       parsing, an LRU image store, JSON/PNG/.npy answers); no math: every picture
//                       and number comes from the FeatureMaps facade. In no product: only the CLI links it.
//   FeatureMapsCLI      the CLI (product and binary `featuremaps`): options -> library calls, no math.
import PackageDescription

let package = Package(
    name: "featuremaps",
    products: [
        .library(
            name: "FeatureMaps",
            targets: [
                "FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsHDF5", "FeatureMapsModels",
                "FeatureMapsImages",
                "FeatureMapsRender", "FeatureMapsKernelTypes", "FeatureMapsSupport",
            ]),
        .executable(name: "featuremaps", targets: ["FeatureMapsCLI"]),
        .executable(name: "featuremaps-hdf5-reader", targets: ["FeatureMapsHDF5Reader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Hummingbird's own dependencies, named for the server's thread pool (NIOPosix), the bound
        // address (NIOCore), its log level (Logging) and header names (HTTPTypes); the same URLs as
        // Hummingbird's Package.swift.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CHDF5", pkgConfig: "hdf5-serial",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        // <malloc.h>'s mallopt and M_* parameters; posix_spawn/pipe2 declarations hidden without _GNU_SOURCE.
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CSpawn"),
        .target(
            name: "CJPEG",
            linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CCPUFeatures"),
        .target(name: "FeatureMapsSupport"),
        .target(name: "FeatureMapsKernelTypes"),
        .target(name: "FeatureMapsKernels", dependencies: ["FeatureMapsKernelTypes"]),
        // AVX-512 code by `#pragma clang attribute push(target(...))` in its files (no compiler flags:
        // SwiftPM refuses a versioned dependency on a package with unsafeFlags). On other
        // architectures its entry points trap, and the engine never calls them.
        .target(name: "CKernelsAVX512"),
        .target(
            name: "FeatureMapsEngine",
            dependencies: ["COpenBLAS", "CCPUFeatures", "FeatureMapsSupport", "FeatureMapsKernelTypes", "FeatureMapsKernels", "CKernelsAVX512"]),
        .target(name: "FeatureMapsHDF5", dependencies: ["CHDF5"]),
        .target(name: "FeatureMapsProcessTuning", dependencies: ["CMalloc"]),
        .executableTarget(name: "FeatureMapsHDF5Reader", dependencies: ["FeatureMapsHDF5", "FeatureMapsProcessTuning"]),
        .target(
            name: "FeatureMapsWeights",
            dependencies: [
                "FeatureMapsHDF5", "FeatureMapsHDF5Reader", "CSpawn", "FeatureMapsSupport", "FeatureMapsEngine",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(
            name: "FeatureMapsModels",
            dependencies: [
                "FeatureMapsSupport", "FeatureMapsEngine", "FeatureMapsWeights",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(name: "FeatureMapsImages", dependencies: ["CJPEG", "CPNG", "FeatureMapsSupport"]),
        .target(name: "FeatureMapsRender", dependencies: ["FeatureMapsEngine", "FeatureMapsImages"]),
        .target(
            name: "FeatureMaps",
            dependencies: [
                "FeatureMapsSupport", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsModels", "FeatureMapsImages", "FeatureMapsRender",
            ]),
        .target(
            name: "FeatureMapsServer",
            dependencies: [
                "FeatureMaps", "FeatureMapsSupport", "FeatureMapsEngine", "FeatureMapsImages", "FeatureMapsRender",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .executableTarget(
            name: "FeatureMapsCLI",
            dependencies: [
                "FeatureMaps", "FeatureMapsSupport", "FeatureMapsProcessTuning", "FeatureMapsServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Test support: deterministic random numbers for the test targets.
        .target(
            name: "TestSupport", dependencies: ["FeatureMapsEngine", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/TestSupport"),
        .testTarget(name: "FeatureMapsSupportTests", dependencies: ["FeatureMapsSupport"]),
        .testTarget(name: "FeatureMapsEngineTests", dependencies: ["FeatureMapsEngine", "FeatureMapsKernelTypes", "TestSupport"]),
        // Test support: a local HTTP server (Tests/WeightsServer/weights_server.py) for the download tests.
        .target(name: "WeightsServer", path: "Tests/WeightsServer", exclude: ["weights_server.py"]),
        .testTarget(name: "FeatureMapsWeightsTests", dependencies: ["FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer", "TestSupport"]),
        .testTarget(
            name: "FeatureMapsModelsTests",
            dependencies: [
                "FeatureMapsModels", "FeatureMapsWeights", "FeatureMapsEngine", "TestSupport", "FeatureMaps",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "FeatureMapsProcessTuningTests", dependencies: ["FeatureMapsProcessTuning"]),
        .testTarget(name: "FeatureMapsImagesTests", dependencies: ["FeatureMapsImages"]),
        .testTarget(name: "FeatureMapsRenderTests", dependencies: ["FeatureMapsRender", "FeatureMapsImages", "FeatureMapsEngine"]),
        .testTarget(
            name: "FeatureMapsTests",
            dependencies: ["TestSupport", "FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .testTarget(
            name: "FeatureMapsServerTests",
            dependencies: [
                "FeatureMapsServer", "FeatureMaps", "FeatureMapsImages", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "FeatureMapsCLI", "FeatureMaps", "FeatureMapsImages", "FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer", "TestSupport",
            ]),
    ]
)
