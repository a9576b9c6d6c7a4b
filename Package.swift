// swift-tools-version:5.9
// featuremaps: MobileNetV2 feature maps from Keras HDF5 weights, in Swift.
//
// The dependency list is the architecture:
//   FeatureMapsEngine   tensors, kernels, the MobileNetV2 graph, labels. Opens no files, prints nothing.
//   FeatureMapsKernels  the engine's SIMD kernels (register GEMM, depthwise, epilogues), 8 lanes;
//                       FeatureMapsKernelsAVX512 is the same source (symlinks) with 16 lanes and
//                       AVX-512 code, called only on CPUs that have it (CCPUFeatures asks the CPU).
//   FeatureMapsKernelTypes  the contracts both kernel modules share (Epilogue, DepthwiseShape).
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
//   FeatureMapsImages   JPEG/PNG decode and PNG encode (C shims), antialiased resize.
//   FeatureMapsRender   normalisation, viridis, grid layout, bitmap font (pure Swift).
//   FeatureMaps         the library facade: weights lookup, pipeline, .npy, atomic writes.
//   FeatureMapsCLI      the CLI (product and binary `featuremaps`): options -> library calls, no math.
import PackageDescription

// The AVX-512 kernel module's code generation: AVX-512 F/BW/DQ/VL (with AVX2 and FMA) on top of the
// build's target CPU, for this module alone. x86-64 only; elsewhere it builds as plain 16-lane
// vectors and the engine never selects it (CCPUFeatures reports no AVX-512).
#if arch(x86_64)
let avx512Flags: [SwiftSetting] = [.unsafeFlags([
    "-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mavx512f", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512dq", "-Xcc", "-mavx512vl",
])]
#else
let avx512Flags: [SwiftSetting] = []
#endif

let package = Package(
    name: "featuremaps",
    products: [
        .library(
            name: "FeatureMaps",
            targets: ["FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsHDF5", "FeatureMapsImages",
                      "FeatureMapsRender", "FeatureMapsKernelTypes"]),
        .executable(name: "featuremaps", targets: ["FeatureMapsCLI"]),
        .executable(name: "featuremaps-hdf5-reader", targets: ["FeatureMapsHDF5Reader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        .target(name: "FeatureMapsKernelTypes"),
        .target(name: "FeatureMapsKernels", dependencies: ["FeatureMapsKernelTypes"]),
        .target(
            name: "FeatureMapsKernelsAVX512", dependencies: ["FeatureMapsKernelTypes"],
            swiftSettings: [.define("FEATUREMAPS_AVX512")] + avx512Flags),
        .target(
            name: "FeatureMapsEngine",
            dependencies: ["COpenBLAS", "CCPUFeatures", "FeatureMapsKernelTypes", "FeatureMapsKernels", "FeatureMapsKernelsAVX512"]),
        .target(name: "FeatureMapsHDF5", dependencies: ["CHDF5"]),
        .target(name: "FeatureMapsProcessTuning", dependencies: ["CMalloc"]),
        .executableTarget(name: "FeatureMapsHDF5Reader", dependencies: ["FeatureMapsHDF5", "FeatureMapsProcessTuning"]),
        .target(name: "FeatureMapsWeights", dependencies: ["FeatureMapsHDF5", "FeatureMapsHDF5Reader", "CSpawn", "FeatureMapsEngine"]),
        .target(name: "FeatureMapsImages", dependencies: ["CJPEG", "CPNG"]),
        .target(name: "FeatureMapsRender", dependencies: ["FeatureMapsEngine", "FeatureMapsImages"]),
        .target(
            name: "FeatureMaps",
            dependencies: ["FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .executableTarget(
            name: "FeatureMapsCLI",
            dependencies: ["FeatureMaps", "FeatureMapsProcessTuning", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "FeatureMapsEngineTests", dependencies: ["FeatureMapsEngine", "FeatureMapsKernelTypes"]),
        // Test support: a local HTTP server (Tests/WeightsServer/weights_server.py) for the download tests.
        .target(name: "WeightsServer", path: "Tests/WeightsServer", exclude: ["weights_server.py"]),
        .testTarget(name: "FeatureMapsWeightsTests", dependencies: ["FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer"]),
        .testTarget(name: "FeatureMapsProcessTuningTests", dependencies: ["FeatureMapsProcessTuning"]),
        .testTarget(name: "FeatureMapsImagesTests", dependencies: ["FeatureMapsImages"]),
        .testTarget(name: "FeatureMapsRenderTests", dependencies: ["FeatureMapsRender", "FeatureMapsImages", "FeatureMapsEngine"]),
        .testTarget(name: "FeatureMapsTests", dependencies: ["FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .testTarget(name: "CLITests", dependencies: ["FeatureMapsCLI", "FeatureMaps", "FeatureMapsImages", "FeatureMapsWeights", "FeatureMapsEngine", "WeightsServer"]),
    ]
)
