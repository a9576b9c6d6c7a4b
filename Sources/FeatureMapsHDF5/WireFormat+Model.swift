// WireFormat's part for model files: a WeightsManifest's `model` (KerasModelStorage) after its
// arrays. 0 for none; else 1, the layout, the attributes (sorted by name), then each group: path,
// array names, integer array names, and 0 or 1 + the vars group's name. Decoding checks every
// count against the message (Reader.count) and the layout's value; anything else is nil.
extension WireFormat {
    static func writeModel(_ model: KerasModelStorage?, into w: inout Writer) {
        guard let model else { return w.u64(0) }
        w.u64(1)
        w.u64(model.layout.rawValue)
        let attributes = model.attributes.sorted { $0.key < $1.key }
        w.strings(attributes.map(\.key))
        w.strings(attributes.map(\.value))
        w.u64(model.groups.count)
        for group in model.groups {
            w.string(group.path)
            w.strings(group.arrays)
            w.strings(group.integerArrays)
            if let name = group.layerName {
                w.u64(1)
                w.string(name)
            } else {
                w.u64(0)
            }
        }
    }

    /// .some(nil) for "no model", nil for a malformed message.
    static func readModel(_ r: inout Reader) -> KerasModelStorage?? {
        guard let present = r.u64(), present <= 1 else { return nil }
        if present == 0 { return .some(nil) }
        guard let raw = r.u64(), raw <= 2, let layout = KerasModelStorage.Layout(rawValue: Int(raw)),
            let keys = r.strings(), let values = r.strings(), keys.count == values.count,
            let groupCount = r.count()
        else { return nil }
        var storage = KerasModelStorage(layout: layout, attributes: [:], groups: [])
        for (key, value) in zip(keys, values) { storage.attributes[key] = value }
        for _ in 0..<groupCount {
            guard let path = r.string(), let arrays = r.strings(), let integers = r.strings(),
                let hasName = r.u64(), hasName <= 1
            else { return nil }
            var group = KerasModelStorage.Group(path: path, arrays: arrays, layerName: nil, integerArrays: integers)
            if hasName == 1 {
                guard let name = r.string() else { return nil }
                group.layerName = name
            }
            storage.groups.append(group)
        }
        return .some(storage)
    }
}
