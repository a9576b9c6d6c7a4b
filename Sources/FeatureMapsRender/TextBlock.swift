/// One line of header text.
struct TextLine: Equatable {
    var text: String
    var scale: Int = 1
    var color: RGB = Style.text
}

/// Lines stacked top to bottom, left-aligned, `Style.lineGap` (times the lower line's scale) apart.
struct TextBlock: Equatable {
    var lines: [TextLine]

    var width: Int { lines.map { Font.width(of: $0.text, scale: $0.scale) }.max() ?? 0 }

    var height: Int {
        lines.enumerated().reduce(0) { total, item in
            total + (item.offset == 0 ? 0 : Style.lineGap * item.element.scale) + Font.height(scale: item.element.scale)
        }
    }

    func draw(on canvas: inout Canvas, x: Int, y: Int) {
        var top = y
        for (i, line) in lines.enumerated() {
            if i > 0 { top += Style.lineGap * line.scale }
            canvas.drawText(line.text, x: x, y: top, scale: line.scale, color: line.color)
            top += Font.height(scale: line.scale)
        }
    }
}

/// A scale-1 line above a tile, never wider than the tile: the first of `options` that fits
/// is drawn, `left` at the tile's left edge and `right` (if any) ending at its right edge, at
/// least two character widths apart; when none fits, the last option's `left` is cut to fit.
struct TitleLine: Equatable {
    struct Option: Equatable {
        var left: String
        var right: String? = nil
    }

    var options: [Option]

    init(_ options: Option...) { self.options = options }

    func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int) {
        let fitting = options.first { option in
            let rightWidth = option.right.map { 2 * Font.advance + Font.width(of: $0) } ?? 0
            return Font.width(of: option.left) + rightWidth <= width
        }
        guard let option = fitting else {
            canvas.drawText(Font.fit(options.last?.left ?? "", maxWidth: width), x: x, y: y, color: Style.text)
            return
        }
        canvas.drawText(option.left, x: x, y: y, color: Style.text)
        if let right = option.right {
            canvas.drawTextRightAligned(right, right: x + width, y: y, color: Style.text)
        }
    }
}
