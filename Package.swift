// swift-tools-version:5.9
// featuremaps: MobileNetV2 feature maps from Keras HDF5 weights, in Swift.
//
// The dependency list is the architecture:
//   FeatureMapsEngine   tensors, kernels, the MobileNetV2 graph, labels. Opens no files, prints nothing.
//   FeatureMapsWeights  HDF5 wrapper + Keras legacy weights-file reader -> engine weights.
//   FeatureMapsImages   JPEG/PNG decode and PNG encode (C shims), antialiased resize.
//   FeatureMapsRender   normalisation, viridis, grid layout, bitmap font (pure Swift).
//   FeatureMaps         the library facade: weights lookup, pipeline, .npy, atomic writes.
//   featuremaps         the CLI: options -> library calls, no math.
import PackageDescription

let package = Package(
    name: "featuremaps",
    products: [
        .library(
            name: "FeatureMaps",
            targets: ["FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .executable(name: "featuremaps", targets: ["featuremaps"]),
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
        .target(
            name: "CJPEG",
            linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "FeatureMapsEngine", dependencies: ["COpenBLAS"]),
        .target(name: "FeatureMapsWeights", dependencies: ["CHDF5", "FeatureMapsEngine"]),
        .target(name: "FeatureMapsImages", dependencies: ["CJPEG", "CPNG"]),
        .target(name: "FeatureMapsRender", dependencies: ["FeatureMapsEngine", "FeatureMapsImages"]),
        .target(
            name: "FeatureMaps",
            dependencies: ["FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .executableTarget(
            name: "featuremaps",
            dependencies: ["FeatureMaps", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "FeatureMapsEngineTests", dependencies: ["FeatureMapsEngine"]),
        .testTarget(name: "FeatureMapsWeightsTests", dependencies: ["FeatureMapsWeights", "FeatureMapsEngine"]),
        .testTarget(name: "FeatureMapsImagesTests", dependencies: ["FeatureMapsImages"]),
        .testTarget(name: "FeatureMapsRenderTests", dependencies: ["FeatureMapsRender", "FeatureMapsImages", "FeatureMapsEngine"]),
        .testTarget(name: "FeatureMapsTests", dependencies: ["FeatureMaps", "FeatureMapsEngine", "FeatureMapsWeights", "FeatureMapsImages", "FeatureMapsRender"]),
        .testTarget(name: "CLITests", dependencies: ["featuremaps", "FeatureMaps", "FeatureMapsImages", "FeatureMapsWeights"]),
    ]
)
