/// The NUL-terminated text in a fixed-size C `char` array, which Swift imports as a tuple
/// (e.g. cjpeg_image.message). Stops at the first NUL or the end of the array; invalid UTF-8
/// is replaced, never trapped on.
func string<Tuple>(fromCCharArray tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}
