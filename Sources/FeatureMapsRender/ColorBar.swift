/// A horizontal strip of all 256 colours of a colormap (viridis unless set; one column each, low
/// at the left) with a label at each end, vertically centred on the strip.
struct ColorBar: Equatable {
    var lowLabel: String
    var highLabel: String
    var colormap: Colormap = .viridis

    var width: Int {
        Font.width(of: lowLabel) + Style.colorBarWidth + Font.width(of: highLabel) + 2 * Style.colorBarLabelGap
    }

    var height: Int { max(Style.colorBarHeight, Font.height()) }

    func draw(on canvas: inout Canvas, x: Int, y: Int) {
        let textY = y + (height - Font.height()) / 2 + 1
        canvas.drawText(lowLabel, x: x, y: textY, color: Style.text)
        let barX = x + Font.width(of: lowLabel) + Style.colorBarLabelGap
        let barY = y + (height - Style.colorBarHeight) / 2
        let columnsPerEntry = Style.colorBarWidth / Viridis.count
        for i in 0..<Viridis.count {
            canvas.fill(
                x: barX + i * columnsPerEntry, y: barY, width: columnsPerEntry,
                height: Style.colorBarHeight, color: colormap.rgb(atIndex: i))
        }
        canvas.drawText(highLabel, x: barX + Style.colorBarWidth + Style.colorBarLabelGap, y: textY, color: Style.text)
    }
}
