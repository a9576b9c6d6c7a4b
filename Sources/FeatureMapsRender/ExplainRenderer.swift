import FeatureMapsEngine
import FeatureMapsImages

/// The class a picture explains, as its header states it.
public struct ExplainedClass: Equatable, Sendable {
    public var index: Int
    public var label: String
    public var wordNetID: String?
    public var probability: Float
    public var logit: Float
    /// 1 for the most probable class.
    public var rank: Int

    public init(index: Int, label: String, wordNetID: String?, probability: Float, logit: Float, rank: Int) {
        self.index = index
        self.label = label
        self.wordNetID = wordNetID
        self.probability = probability
        self.logit = logit
        self.rank = rank
    }

    /// "class 88 macaw (n01818515): probability 99.8% (rank 1 of 1000), logit 17.3".
    func line(classes: Int) -> String {
        let id = wordNetID.map { " (\($0))" } ?? ""
        let name = label == "class \(index)" ? "" : " \(label)"  // an unnamed class is only its number
        return "class \(index)\(name)\(id): probability \(ValueFormat.percent(probability)) (rank \(rank) of \(classes)),"
            + " logit \(ValueFormat.format(logit))"
    }
}

/// A picture made of panels (input, maps) and where each panel's pixels are.
public struct RenderedPanels: Equatable, Sendable {
    public let image: RGBImage
    /// One per panel, left to right; `factor` is 1 (panels are drawn at the input's size).
    public let panels: [TileRect]
}

/// The pictures of `featuremaps explain`: a Grad-CAM overlay and a saliency map, each with a header
/// naming the image, the class, its probability, the layer and the method, and a colour bar.
public enum ExplainRenderer {
    /// Grad-CAM colours: matplotlib's jet (the Grad-CAM paper's), from 0 to the map's maximum.
    public static let gradCAMColormap = Colormap.jet
    /// Opacity of the jet colours over the input: (1 - 0.5) * input + 0.5 * colour, as in the
    /// widely used pytorch-grad-cam `show_cam_on_image` (jet, image weight 0.5).
    public static let overlayOpacity = 0.5
    /// Saliency colours: viridis (as feature maps), from 0 to the map's `saliencyPercentile`-th
    /// percentile; the few larger values get the top colour. Raw gradients are spiky: scaled to their
    /// maximum, nearly everything is dark. Capping at the 99th percentile is what SmoothGrad
    /// (Smilkov et al. 2017) does for its pictures.
    public static let saliencyColormap = Colormap.viridis
    public static let saliencyPercentile = 99.0

    /// Input | Grad-CAM at the layer's resolution (nearest neighbour) | Grad-CAM upsampled
    /// bilinearly to the input size (`GradCAM.heatmap`) and blended over the input.
    /// Both maps are ReLU(map) coloured from 0 to their common maximum (the bilinear upsampling
    /// never exceeds the largest map value); a map <= 0 everywhere is drawn in the lowest colour.
    public static func gradCAM(
        _ cam: GradCAM, input: RGBImage, explained: ExplainedClass, classes: Int,
        title: String
    ) throws -> RenderedPanels {
        let heat = cam.heatmap(height: input.height, width: input.width)
        let relu = cam.map.map { max($0, 0) }
        let high = relu.max() ?? 0
        let range = ValueRange(low: 0, high: high)
        var lines = [
            explained.line(classes: classes),
            "layer \(cam.layer), \(cam.activation.shape): map = ReLU(sum over channels of weight x activation),",
            "  weight = the channel's mean gradient of the logit (Grad-CAM, Selvaraju et al. 2017)",
            "colours: matplotlib jet from 0 to the map's maximum; over the input at opacity \(overlayOpacity)",
        ]
        if !(high > 0) { lines.append("the map is <= 0 everywhere: nothing at this layer speaks for the class") }
        let panels = [
            Panel(image: input, caption: ["input as the network saw it", "\(input.width)x\(input.height)"]),
            Panel(
                image: HeatPanels.heat(
                    relu, height: cam.height, width: cam.width, range: range, colormap: gradCAMColormap,
                    outHeight: input.height, outWidth: input.width),
                caption: ["Grad-CAM at \(cam.height)x\(cam.width)", "(each square one map value)"]),
            Panel(
                image: HeatPanels.overlay(input, values: heat, range: range, colormap: gradCAMColormap, opacity: overlayOpacity),
                caption: ["upsampled bilinearly", "over the input"]),
        ]
        return try picture(
            title: "\(title): Grad-CAM for \(explained.label)", lines: lines,
            bar: ColorBar(lowLabel: "0", highLabel: ValueFormat.format(high), colormap: gradCAMColormap),
            panels: panels)
    }

    /// Input | saliency: max over R, G, B of |d logit / d input| (preprocessed input in [-1, 1]),
    /// coloured from 0 to its `saliencyPercentile`-th percentile (`percentile`).
    public static func saliency(
        _ map: SaliencyMap, input: RGBImage, explained: ExplainedClass, classes: Int,
        title: String
    ) throws -> RenderedPanels {
        let high = percentile(map.values, saliencyPercentile)
        let range = ValueRange(low: 0, high: high)
        let lines = [
            explained.line(classes: classes),
            "saliency: max over R, G, B of |gradient of the logit| with respect to the input pixels",
            "  (pixels preprocessed to [-1, 1]; Simonyan et al. 2014): where a small change moves the score most",
            "colours: viridis from 0 to the map's 99th percentile; the top 1 % (up to \(ValueFormat.format(map.values.max() ?? 0)))"
                + " in the top colour",
        ]
        let panels = [
            Panel(image: input, caption: ["input as the network saw it", "\(input.width)x\(input.height)"]),
            Panel(
                image: HeatPanels.heat(
                    map.values, height: map.height, width: map.width, range: range,
                    colormap: saliencyColormap, outHeight: input.height, outWidth: input.width),
                caption: ["saliency", "\(map.width)x\(map.height)"]),
        ]
        return try picture(
            title: "\(title): saliency for \(explained.label)", lines: lines,
            bar: ColorBar(lowLabel: "0", highLabel: ValueFormat.format(high) + " (p99)", colormap: saliencyColormap),
            panels: panels)
    }

    /// The p-th percentile (0...100) of `values` as NumPy's default computes it: sorted, position
    /// p / 100 * (n - 1), linear between the two neighbours. NaN is ignored; no values give 0.
    public static func percentile(_ values: [Float], _ p: Double) -> Float {
        let sorted = values.filter { !$0.isNaN }.sorted()
        guard let last = sorted.last else { return 0 }
        let position = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), t = position - Double(low)
        guard low + 1 < sorted.count else { return last }
        return Float(Double(sorted[low]) * (1 - t) + Double(sorted[low + 1]) * t)
    }

    /// Title (scale 2), header lines, colour bar, then the panels.
    static func picture(title: String, lines: [String], bar: ColorBar, panels: [Panel]) throws -> RenderedPanels {
        let block = TextBlock(lines: [TextLine(text: title, scale: 2)] + lines.map { TextLine(text: $0) })
        let row = HeatPanels.size(of: panels)
        let width = 2 * Style.margin + max(block.width, bar.width, row.width)
        let height = 2 * Style.margin + block.height + 2 * Style.sectionGap + bar.height + row.height
        try GridRenderer.checkSize(width: width, height: height)
        var canvas = Canvas(width: width, height: height, background: Style.background)
        var y = Style.margin
        block.draw(on: &canvas, x: Style.margin, y: y)
        y += block.height + Style.sectionGap
        bar.draw(on: &canvas, x: Style.margin, y: y)
        y += bar.height + Style.sectionGap
        let rects = HeatPanels.draw(panels, on: &canvas, x: Style.margin, y: y)
        return RenderedPanels(image: canvas.image, panels: rects)
    }
}
