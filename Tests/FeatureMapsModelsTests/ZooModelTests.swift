import Foundation
import XCTest
import FeatureMapsEngine
@testable import FeatureMapsModels

/// Every model of the zoo, in both files, against its manifest's layer_table (Keras's own
/// model.layers walk: names, classes, modules, the first call's inbound layers, count_params per
/// layer) and param_count; the .keras and .h5 of one model describe it identically, weights
/// bit for bit; a Keras 2 .h5 agrees with the Keras 3 one.
final class ZooModelTests: XCTestCase {
    func testEveryModelMatchesItsLayerTable() throws {
        let models = try Zoo.models()
        XCTAssertFalse(models.isEmpty)
        for model in models {
            let manifest = try Zoo.manifest(model)
            for file in [model + ".keras", model + ".h5"] {
                let description: KerasModelDescription
                do { description = try Zoo.description(file) } catch {
                    XCTFail("\(file): \(error.localizedDescription)")
                    continue
                }
                check(description, against: manifest, file: file)
            }
        }
    }

    func check(_ description: KerasModelDescription, against manifest: Zoo.Manifest, file: String) {
        XCTAssertEqual(description.layers.map(\.qualifiedName), manifest.layer_table.map(\.path), file)
        XCTAssertEqual(description.parameterCount, manifest.param_count, file)
        for (layer, row) in zip(description.layers, manifest.layer_table) {
            XCTAssertEqual(layer.className, row.class_name, "\(file) \(row.path)")
            // A legacy .h5 config has no module: operations are told by their config there.
            if description.format == .keras { XCTAssertEqual(layer.module, row.module, "\(file) \(row.path)") }
            XCTAssertEqual(layer.isOperation, row.module?.hasPrefix("keras.src.ops") ?? false, "\(file) \(row.path)")
            let inbound = layer.calls.first?.tensors.map { description.layers[$0.layerIndex].name } ?? []
            XCTAssertEqual(inbound, row.inbound, "\(file) \(row.path)")
            XCTAssertEqual(parameters(of: layer, in: description), row.param_count, "\(file) \(row.path)")
        }
    }

    /// A layer's values; a nested model's are its layers'.
    func parameters(of layer: KerasLayerDescription, in description: KerasModelDescription) -> Int {
        let own = layer.weights.reduce(0) { $0 + $1.array.values.count }
        guard layer.isModel else { return own }
        let prefix = layer.qualifiedName + "/"
        return own
            + description.layers.filter { $0.qualifiedName.hasPrefix(prefix) }
            .reduce(0) { $0 + $1.weights.reduce(0) { $0 + $1.array.values.count } }
    }

    func testKerasAndH5DescribeTheSameModel() throws {
        for model in try Zoo.models() {
            let keras = try Zoo.description(model + ".keras"), h5 = try Zoo.description(model + ".h5")
            XCTAssertEqual(keras.format, .keras)
            XCTAssertEqual(h5.format, .h5)
            assertSame(keras, h5, model, configs: true)
        }
    }

    func testKeras2AndKeras3H5Agree() throws {
        var compared = 0
        for model in try Zoo.models() {
            guard (try? Zoo.path(model + "_keras2.h5")) != nil else { continue }
            let keras2 = try Zoo.description(model + "_keras2.h5"), keras3 = try Zoo.description(model + ".h5")
            XCTAssertEqual(keras2.kerasVersion.major, 2, model)
            XCTAssertEqual(keras3.kerasVersion.major, 3, model)
            assertSame(keras2, keras3, model, configs: false)
            compared += 1
        }
        if compared == 0 { throw XCTSkip("no *_keras2.h5 in the zoo yet") }
    }

    /// Same layers, calls and weights (bit patterns); names and configs too when `configs` (Keras 2
    /// names its layers otherwise, "input_1" for "input_layer", and writes other configs).
    func assertSame(
        _ a: KerasModelDescription, _ b: KerasModelDescription, _ model: String, configs: Bool,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        func graph(_ refs: [KerasTensorReference]) -> [[Int]] { refs.map { [$0.layerIndex, $0.call, $0.tensor] } }
        XCTAssertEqual(graph(a.inputs), graph(b.inputs), model, file: file, line: line)
        XCTAssertEqual(graph(a.outputs), graph(b.outputs), model, file: file, line: line)
        XCTAssertEqual(a.layers.count, b.layers.count, model, file: file, line: line)
        if configs {
            XCTAssertEqual(a.name, b.name, model, file: file, line: line)
            XCTAssertEqual(a.inputs, b.inputs, model, file: file, line: line)
            XCTAssertEqual(a.outputs, b.outputs, model, file: file, line: line)
        }
        for (x, y) in zip(a.layers, b.layers) {
            let what = "\(model) \(x.qualifiedName)"
            if configs {
                XCTAssertEqual(x.qualifiedName, y.qualifiedName, what, file: file, line: line)
                XCTAssertEqual(x.calls, y.calls, what, file: file, line: line)
            }
            XCTAssertEqual(x.className, y.className, what, file: file, line: line)
            XCTAssertEqual(x.isOperation, y.isOperation, what, file: file, line: line)
            XCTAssertEqual(x.calls.map { graph($0.tensors) }, y.calls.map { graph($0.tensors) }, what, file: file, line: line)
            XCTAssertEqual(x.weights.map(\.name), y.weights.map(\.name), what, file: file, line: line)
            for (u, v) in zip(x.weights, y.weights) {
                XCTAssertEqual(u.array.shape, v.array.shape, what, file: file, line: line)
                XCTAssert(
                    u.array.values.map(\.bitPattern) == v.array.values.map(\.bitPattern), "\(what) \(u.name) values differ",
                    file: file, line: line)
            }
            if configs && x.config != y.config {
                XCTFail("\(what): configs differ: \(KerasJSONDiff.first(x.config, y.config))", file: file, line: line)
            }
        }
    }
}

/// Where two JSON values first differ, for failure messages.
enum KerasJSONDiff {
    static func first(_ a: KerasJSON, _ b: KerasJSON, at path: String = "") -> String {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for key in Set(x.keys).union(y.keys).sorted() where x[key] != y[key] {
                guard let u = x[key], let v = y[key] else {
                    return "\(path)/\(key): \(x[key].map { "\($0)" } ?? "absent") vs \(y[key].map { "\($0)" } ?? "absent")"
                }
                return first(u, v, at: path + "/" + key)
            }
        case (.array(let x), .array(let y)) where x.count == y.count:
            for (i, (u, v)) in zip(x, y).enumerated() where u != v { return first(u, v, at: "\(path)[\(i)]") }
        default: break
        }
        return "\(path): \(a) vs \(b)".prefix(300).description
    }
}
