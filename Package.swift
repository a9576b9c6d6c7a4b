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
//   FeatureMapsWeights  HDF5 wrapper + Keras legacy weights-file reader -> engine weights.
//   FeatureMapsImages   JPEG/PNG decode and PNG encode (C shims), antialiased resize.
//   FeatureMapsRender   normalisation, viridis, grid layout, bitmap font (pure Swift).
//   FeatureMaps         the library facade: weights lookup, pipeline, .npy, atomic writes.
//   FeatureMapsCLI      the CLI (product and binary `featuremaps`): options -> library calls, no math.
import PackageDescription

let package = Package(
    name: "featuremaps",
    products: [
        .library(
            name: "FeatureMaps",
            targets: ["FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender",
                      "FeatureMapsKernelTypes", "FeatureMapsSupport"]),
        .executable(name: "featuremaps", targets: ["FeatureMapsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
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
        .target(
            name: "FeatureMapsWeights",
            dependencies: ["CHDF5", "FeatureMapsSupport", "FeatureMapsEngine", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "FeatureMapsImages", dependencies: ["CJPEG", "CPNG", "FeatureMapsSupport"]),
        .target(name: "FeatureMapsRender", dependencies: ["FeatureMapsEngine", "FeatureMapsImages"]),
        .target(
            name: "FeatureMaps",
            dependencies: ["FeatureMapsSupport", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .executableTarget(
            name: "FeatureMapsCLI",
            dependencies: ["FeatureMaps", "FeatureMapsSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Test support: deterministic random numbers for the test targets.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "FeatureMapsSupportTests", dependencies: ["FeatureMapsSupport"]),
        .testTarget(name: "FeatureMapsEngineTests", dependencies: ["FeatureMapsEngine", "FeatureMapsKernelTypes", "TestSupport"]),
        // Test support: a local HTTP server (Tests/WeightsServer/weights_server.py) for the download tests.
        .target(name: "WeightsServer", path: "Tests/WeightsServer", exclude: ["weights_server.py"]),
        .testTarget(name: "FeatureMapsWeightsTests", dependencies: ["FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer"]),
        .testTarget(name: "FeatureMapsImagesTests", dependencies: ["FeatureMapsImages"]),
        .testTarget(name: "FeatureMapsRenderTests", dependencies: ["FeatureMapsRender", "FeatureMapsImages", "FeatureMapsEngine"]),
        .testTarget(name: "FeatureMapsTests", dependencies: ["TestSupport", "FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .testTarget(name: "CLITests", dependencies: ["FeatureMapsCLI", "FeatureMaps", "FeatureMapsImages", "FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer"]),
    ]
)
