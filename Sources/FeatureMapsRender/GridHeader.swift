import FeatureMapsEngine

/// The text above a grid: layer name (scale 2), map size and channel count, the selection,
/// the normalisation, how to read tile titles, then a colour bar (the shared range's ends in
/// layer mode, "tile min" / "tile max" in channel mode).
struct GridHeader: Equatable {
    var block: TextBlock
    var colorBar: ColorBar

    /// Scale-1 lines are cut to this width (64 characters), e.g. a long explicit channel list.
    static let maxLineWidth = 64 * Font.advance - 1

    init(spec: GridSpec, map: Tensor, selected: SelectedChannels, layerRange: ValueRange?) {
        let shown = selected.channels.count
        var size = "\(map.height)x\(map.width) map: showing \(shown) of \(map.channels) channels"
        if selected.wasClamped { size += " (asked for \(selected.requested))" }
        var lines = [
            size,
            "channels: " + Self.selectionText(spec.selection, shown: shown),
            "colours: " + spec.normalization.summary,
            Self.titleLegend(spec.selection),
        ]
        if map.height * map.width == 1 {
            lines.append("the map is 1x1: each tile is a single number")
        }
        if let range = layerRange, range.isDegenerate {
            lines.append("all shown values equal \(ValueFormat.format(range.low)): every tile gets the lowest colour")
        }
        let fitted = lines.map { TextLine(text: Font.fit($0, maxWidth: Self.maxLineWidth)) }
        block = TextBlock(lines: [TextLine(text: spec.displayName, scale: 2)] + fitted)
        if let range = layerRange {
            let labels = ValueFormat.formatPair(range.low, range.high)
            colorBar = ColorBar(lowLabel: labels.low, highLabel: labels.high)
        } else {
            colorBar = ColorBar(lowLabel: "tile min", highLabel: "tile max")
        }
    }

    var width: Int { max(block.width, colorBar.width) }
    var height: Int { block.height + Style.sectionGap + colorBar.height }

    func draw(on canvas: inout Canvas, x: Int, y: Int) {
        block.draw(on: &canvas, x: x, y: y)
        colorBar.draw(on: &canvas, x: x, y: y + block.height + Style.sectionGap)
    }

    /// The selection as applied: a clamped first/strongest count becomes the count shown.
    static func effectiveSelection(_ selection: ChannelSelection, shown: Int) -> ChannelSelection {
        switch selection {
        case .first: return .first(shown)
        case .strongest: return .strongest(shown)
        case .list: return selection
        }
    }

    /// "first 16", "strongest 16 by mean activation, largest first", "list 0,5,9-12".
    static func selectionText(_ selection: ChannelSelection, shown: Int) -> String {
        let summary = effectiveSelection(selection, shown: shown).summary
        if case .strongest = selection { return summary + " by mean activation, largest first" }
        return summary
    }

    /// How to read the two title lines above each tile.
    static func titleLegend(_ selection: ChannelSelection) -> String {
        if case .strongest = selection {
            return "tile titles: channel number (0-based), its mean; its min to max"
        }
        return "tile titles: channel number (0-based); its min to max"
    }
}
