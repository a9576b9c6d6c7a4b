// The colormaps pictures use: matplotlib's viridis (feature maps, saliency) and matplotlib's jet
// (Grad-CAM heat maps, as in the Grad-CAM paper). Both are matplotlib's own 256-entry tables
// (ViridisTable.swift, JetTable.swift), indexed as matplotlib does (`Viridis.index(unit:)`).

public enum Colormap: String, Sendable, CaseIterable {
    case viridis
    case jet

    /// Entry `index` (0...255) as 8-bit RGB, equal to `matplotlib.colormaps[name](index, bytes=True)`.
    public func color(atIndex index: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        precondition(index >= 0 && index < Viridis.count, "colormap index \(index) out of range 0..<256")
        let table = self == .viridis ? viridisBytes : jetBytes
        return (table[index * 3], table[index * 3 + 1], table[index * 3 + 2])
    }

    /// The colour of normalised value `t` (below 0: the first entry, above 1: the last, NaN: the first).
    public func color(unit t: Double) -> (r: UInt8, g: UInt8, b: UInt8) {
        color(atIndex: Viridis.index(unit: t))
    }

    func rgb(atIndex index: Int) -> RGB {
        let c = color(atIndex: index)
        return RGB(c.r, c.g, c.b)
    }
}
