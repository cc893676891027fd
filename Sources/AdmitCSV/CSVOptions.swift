/// How a `CSVReader` splits its input: delimiter, limits, BOM handling and read size.
public struct CSVOptions: Sendable, Hashable {
    /// The byte between fields; one ASCII byte other than `"`, CR, LF and NUL. Default `,`.
    public var delimiter: UInt8
    /// The largest decoded field, in bytes, before the row gets `.fieldTooLarge`. Default 64 MiB.
    ///
    /// It bounds memory on hostile input: an oversized field's bytes are dropped as they arrive.
    public var maximumFieldBytes: Int
    /// Whether a UTF-8 byte order mark (EF BB BF) at the very start of the input is skipped.
    public var skipsByteOrderMark: Bool
    /// How many bytes the reader asks its source for at a time. Default 64 KiB, at least 4.
    public var readBufferSize: Int

    /// Creates options; every parameter has the documented default.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","),
        maximumFieldBytes: Int = 64 << 20,
        skipsByteOrderMark: Bool = true,
        readBufferSize: Int = 64 << 10
    ) {
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
        self.skipsByteOrderMark = skipsByteOrderMark
        self.readBufferSize = readBufferSize
    }

    /// Whether `byte` can separate fields: ASCII, and not `"`, CR, LF or NUL.
    static func isValidDelimiter(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != 0 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\r")
            && byte != UInt8(ascii: "\n")
    }
}
