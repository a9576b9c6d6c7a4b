/// Geometry of a feature-map grid picture, top to bottom:
/// margin, header (`headerHeight`), section gap, then `rows` rows of cells, margin.
/// A cell is a title block (`titleHeight`), the title gap and the tile (tileWidth x tileHeight).
/// Cells are `tileGapX` apart horizontally and `tileGapY` apart vertically; tile i sits in row
/// i / columns, column i % columns. The picture is as wide as the wider of the header and the cells.
struct GridLayout: Equatable {
    let factor: Int
    let tileWidth: Int
    let tileHeight: Int
    let columns: Int
    let rows: Int
    let headerHeight: Int
    let titleHeight: Int
    let width: Int
    let height: Int

    /// Layout for `tileCount` (>= 1) tiles of an HxW map, at most `columns` (>= 1) per row.
    init(
        mapHeight: Int, mapWidth: Int, tileCount: Int, columns: Int, minTileWidth: Int,
        headerWidth: Int, headerHeight: Int, titleLines: Int
    ) {
        precondition(tileCount >= 1 && columns >= 1 && minTileWidth >= 1, "grid needs tiles, columns, width")
        factor = TilePainter.scaleFactor(mapWidth: mapWidth, minTileWidth: minTileWidth)
        tileWidth = mapWidth * factor
        tileHeight = mapHeight * factor
        self.columns = min(columns, tileCount)
        rows = (tileCount + self.columns - 1) / self.columns
        self.headerHeight = headerHeight
        titleHeight = Style.textBlockHeight(lines: titleLines)
        let cellsWidth = self.columns * tileWidth + (self.columns - 1) * Style.tileGapX
        width = 2 * Style.margin + max(cellsWidth, headerWidth)
        let cellHeight = titleHeight + Style.titleGap + tileHeight
        height =
            2 * Style.margin + headerHeight + Style.sectionGap
            + rows * cellHeight + (rows - 1) * Style.tileGapY
    }

    /// Title block plus gap plus tile.
    var cellHeight: Int { titleHeight + Style.titleGap + tileHeight }

    /// Top-left corner of cell i (its title block).
    func cellOrigin(_ i: Int) -> (x: Int, y: Int) {
        let row = i / columns, column = i % columns
        let top = Style.margin + headerHeight + Style.sectionGap
        return (Style.margin + column * (tileWidth + Style.tileGapX), top + row * (cellHeight + Style.tileGapY))
    }

    /// Top-left corner of tile i's pixels.
    func tileOrigin(_ i: Int) -> (x: Int, y: Int) {
        let cell = cellOrigin(i)
        return (cell.x, cell.y + titleHeight + Style.titleGap)
    }
}
