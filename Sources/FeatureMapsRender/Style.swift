/// Colours and spacing shared by every picture, in pixels. Changing any of these changes the
/// golden images.
enum Style {
    static let background = RGB(grey: 236)
    static let text = RGB(grey: 20)
    static let secondaryText = RGB(grey: 90)
    /// The "constant" mark drawn over a tile: light on dark colours, dark on light ones.
    static let markOnDark = RGB(grey: 255)
    static let markOnLight = RGB(grey: 0)

    /// Around the whole picture.
    static let margin = 16
    /// Between tile columns.
    static let tileGapX = 12
    /// Between the bottom of a tile and the title of the tile below.
    static let tileGapY = 14
    /// Between a tile's title block and its pixels.
    static let titleGap = 4
    /// Between consecutive lines of text.
    static let lineGap = 3
    /// Between the header and the first row of tiles.
    static let sectionGap = 14

    static let colorBarWidth = 256
    static let colorBarHeight = 12
    /// Between a colour bar and the labels at its ends.
    static let colorBarLabelGap = 6

    /// Largest picture the renderer will allocate (width * height), about 300 MB of RGB.
    static let maxPixels = 100_000_000

    /// Height of `lines` lines of scale-1 text, with `lineGap` between them.
    static func textBlockHeight(lines: Int) -> Int {
        lines <= 0 ? 0 : lines * Font.height() + (lines - 1) * lineGap
    }
}
