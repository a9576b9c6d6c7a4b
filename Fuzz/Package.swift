// swift-tools-version:6.0
// libFuzzer harnesses for featuremaps (not built by CI; see Scripts/fuzz and the README's
// "Fuzzing"). Sources/<library> are symbolic links to the main package's own Sources, so the
// fuzzers run exactly the code the CLI runs. Build only with the fuzzer sanitizer:
//   swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
//               -Xcc -fsanitize=fuzzer-no-link,address
// (libFuzzer supplies main(); a plain `swift build` of the executables cannot link).
import PackageDescription

let package = Package(
    name: "featuremaps-fuzz",
    products: [
        .executable(name: "featuremaps-hdf5-reader", targets: ["FeatureMapsHDF5Reader"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial"),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng"),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CSpawn"),
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "CCPUFeatures"),
        .target(name: "FeatureMapsSupport"),
        .target(name: "FeatureMapsKernelTypes"),
        .target(name: "FeatureMapsKernels", dependencies: ["FeatureMapsKernelTypes"]),
        .target(name: "CKernelsAVX512"),
        .target(
            name: "FeatureMapsEngine",
            dependencies: ["COpenBLAS", "CCPUFeatures", "FeatureMapsSupport", "FeatureMapsKernelTypes", "FeatureMapsKernels", "CKernelsAVX512"]),
        .target(name: "FeatureMapsHDF5", dependencies: ["CHDF5"]),
        .target(name: "FeatureMapsProcessTuning", dependencies: ["CMalloc"]),
        /// The weights reader FuzzWeights starts for every input (found beside it in .build/release),
        /// built with the same sanitizers.
        .executableTarget(name: "FeatureMapsHDF5Reader", dependencies: ["FeatureMapsHDF5", "FeatureMapsProcessTuning"]),
        .target(
            name: "FeatureMapsWeights",
            dependencies: [
                "FeatureMapsHDF5", "FeatureMapsHDF5Reader", "CSpawn", "FeatureMapsSupport", "FeatureMapsEngine",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "FeatureMapsImages", dependencies: ["CJPEG", "CPNG", "FeatureMapsSupport"]),
        .target(
            name: "FeatureMapsModels",
            dependencies: [
                "FeatureMapsSupport", "FeatureMapsEngine", "FeatureMapsWeights",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        /// JPEG/PNG bytes -> ImageDecoder.decode (by content), with a 4-megapixel limit.
        .executableTarget(name: "FuzzImages", dependencies: ["FeatureMapsImages"]),
        /// Bytes -> a temporary .h5 file -> WeightsLoader.load (HDF5, Keras layout, MobileNetV2 checks).
        .executableTarget(name: "FuzzWeights", dependencies: ["FeatureMapsWeights", "FeatureMapsEngine"]),
        /// Bytes -> a model config -> KerasModelFile.architecture (JSON, graph, layer policy and caps).
        .executableTarget(name: "FuzzModelConfig", dependencies: ["FeatureMapsModels"]),
        /// Bytes -> a file -> KerasModelFile.read (zip archive or HDF5, the reader process, the checks).
        .executableTarget(name: "FuzzModelArchive", dependencies: ["FeatureMapsModels"]),
    ]
)
