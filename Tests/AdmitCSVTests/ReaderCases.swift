import AdmitCSV

/// Every reader case; each runs whole and fed 1, 2, 3 and 7 bytes at a time.
let readerCases: [ReaderCase] = rfc4180Cases + lineEndCases + exportCases + problemCases

/// RFC 4180: quoting, doubled quotes, delimiters and line breaks inside quotes.
let rfc4180Cases: [ReaderCase] = [
    ReaderCase("quoted fields", "\"a\",\"b c\"\n", [.row(1, ["a", "b c"])]),
    ReaderCase(
        "doubled quotes", "\"he said \"\"hi\"\"\",x\n\"\"\"\"\n",
        [.row(1, ["he said \"hi\"", "x"]), .row(2, ["\""])]),
    ReaderCase("delimiter inside quotes", "\"a,b\",c\n", [.row(1, ["a,b", "c"])]),
    ReaderCase(
        "LF inside quotes", "\"a\nb\",c\nd,e\n",
        [.row(1, through: 2, ["a\nb", "c"]), .row(3, ["d", "e"])]),
    ReaderCase(
        "CRLF inside quotes", "\"a\r\nb\",c\r\nd,e\r\n",
        [.row(1, through: 2, ["a\r\nb", "c"]), .row(3, ["d", "e"])]),
    ReaderCase(
        "CR inside quotes", "\"a\rb\"\rc\r",
        [.row(1, through: 2, ["a\rb"]), .row(3, ["c"])]),
    ReaderCase(
        "two line breaks inside quotes", "x,\"1\n\n2\"\ny\n",
        [.row(1, through: 3, ["x", "1\n\n2"]), .row(4, ["y"])]),
    ReaderCase("empty quoted fields", "\"\",\"\"\n", [.row(1, ["", ""])]),
    ReaderCase("empty unquoted fields", ",,\n", [.row(1, ["", "", ""])]),
    ReaderCase("trailing delimiter at end of input", "a,", [.row(1, ["a", ""])]),
    ReaderCase("quoted field at end of input", "a,\"b\"", [.row(1, ["a", "b"])]),
    ReaderCase("spaces are kept", " a , b \n", [.row(1, [" a ", " b "])]),
    ReaderCase(
        "quoted records ended by CRLF", "\"a\"\r\n\"b\"",
        [.row(1, ["a"]), .row(2, ["b"])]),
]

/// Line ends: CRLF, LF, lone CR, mixed, missing at the end, and blank lines.
let lineEndCases: [ReaderCase] = [
    ReaderCase("CRLF line ends", "a,b\r\nc,d\r\n", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("LF line ends", "a,b\nc,d\n", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("CR line ends", "a,b\rc,d\r", [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase(
        "mixed line ends", "a\r\nb\nc\rd\r\n\ne",
        [.row(1, ["a"]), .row(2, ["b"]), .row(3, ["c"]), .row(4, ["d"]), .blank(5), .row(6, ["e"])]
    ),
    ReaderCase(
        "no line end after the last record", "a,b\nc,d",
        [.row(1, ["a", "b"]), .row(2, ["c", "d"])]),
    ReaderCase("lone CR at the end", "a\r", [.row(1, ["a"])]),
    ReaderCase(
        "blank lines", "a\n\n\nb\n\n",
        [.row(1, ["a"]), .blank(2), .blank(3), .row(4, ["b"]), .blank(5)]),
    ReaderCase(
        "blank line between CRLFs", "a\r\n\r\nb", [.row(1, ["a"]), .blank(2), .row(3, ["b"])]),
    ReaderCase("two CRs are two lines", "a\r\rb", [.row(1, ["a"]), .blank(2), .row(3, ["b"])]),
    ReaderCase("only a line end", "\n", [.blank(1)]),
    ReaderCase("only a CRLF", "\r\n", [.blank(1)]),
    ReaderCase("a quoted empty field is not blank", "\"\"\n", [.row(1, [""])]),
]

/// What real exports look like: BOMs, headers alone, ragged rows, other text.
let exportCases: [ReaderCase] = [
    ReaderCase("empty file", "", []),
    ReaderCase("header only without line end", "email,name", [.row(1, ["email", "name"])]),
    ReaderCase("header only with LF", "email,name\n", [.row(1, ["email", "name"])]),
    ReaderCase("header only with CRLF", "email,name\r\n", [.row(1, ["email", "name"])]),
    ReaderCase(
        "byte order mark", "\u{FEFF}email,name\nx,y\n",
        [.row(1, ["email", "name"]), .row(2, ["x", "y"])]),
    ReaderCase("byte order mark only", "\u{FEFF}", []),
    ReaderCase("byte order mark before a quote", "\u{FEFF}\"a,b\"\n", [.row(1, ["a,b"])]),
    ReaderCase(
        "byte order mark later is data", "a\n\u{FEFF}b\n",
        [.row(1, ["a"]), .row(2, ["\u{FEFF}b"])]),
    ReaderCase(
        "byte order mark kept when not skipped", "\u{FEFF}a\n", [.row(1, ["\u{FEFF}a"])],
        options: CSVOptions(skipsByteOrderMark: false)),
    ReaderCase(
        "ragged rows as they are", "a,b,c\n1,2\n3,4,5,6\n\n7\n",
        [
            .row(1, ["a", "b", "c"]), .row(2, ["1", "2"]), .row(3, ["3", "4", "5", "6"]), .blank(4),
            .row(5, ["7"]),
        ]),
    ReaderCase(
        "non-ASCII text", "名前,Zoë,😀\n\"Müller, Anna\",é\n",
        [.row(1, ["名前", "Zoë", "😀"]), .row(2, ["Müller, Anna", "é"])]),
    ReaderCase(
        "semicolon delimiter", "a;b,c;\"d;e\"\n", [.row(1, ["a", "b,c", "d;e"])],
        options: CSVOptions(delimiter: UInt8(ascii: ";"))),
    ReaderCase(
        "tab delimiter", "a\tb c\t\"d\te\"\n", [.row(1, ["a", "b c", "d\te"])],
        options: CSVOptions(delimiter: UInt8(ascii: "\t"))),
]

/// Malformed records: each is reported on its row, and the next record still comes back.
let problemCases: [ReaderCase] = [
    ReaderCase(
        "unclosed quote at end of file", "a,b\n1,\"open\nmore,stuff\n",
        [
            .row(1, ["a", "b"]),
            .bad(2, through: 3, .unclosedQuote(openedAtLine: 2), ["1", "open\nmore,stuff\n"]),
        ]),
    ReaderCase(
        "unclosed quote without line end", "\"abc",
        [.bad(1, .unclosedQuote(openedAtLine: 1), ["abc"])]),
    ReaderCase(
        "unclosed quote opened on a later line", "x,\"a\nb\"\ny,\"c\r\nd",
        [
            .row(1, through: 2, ["x", "a\nb"]),
            .bad(3, through: 4, .unclosedQuote(openedAtLine: 3), ["y", "c\r\nd"]),
        ]),
    ReaderCase(
        "invalid UTF-8 then a good record",
        bytes: Array("a,b\nx,".utf8) + [0xFF, 0xFE] + Array("y\nc,d\n".utf8),
        [
            .row(1, ["a", "b"]), .bad(2, .invalidUTF8(field: 2), ["x", "\u{FFFD}\u{FFFD}y"]),
            .row(3, ["c", "d"]),
        ]),
    ReaderCase(
        "truncated UTF-8 sequence", bytes: [0xC3] + Array(",ok\nnext\n".utf8),
        [.bad(1, .invalidUTF8(field: 1), ["\u{FFFD}", "ok"]), .row(2, ["next"])]),
    ReaderCase(
        "overlong UTF-8 in a quoted field",
        bytes: Array("a,\"".utf8) + [0xC0, 0xAF] + Array("\"\nb\n".utf8),
        [.bad(1, .invalidUTF8(field: 2), ["a", "\u{FFFD}\u{FFFD}"]), .row(2, ["b"])]),
    ReaderCase(
        "UTF-8 surrogate with doubled quotes",
        bytes: Array("\"\"\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"\nb\n".utf8),
        [.bad(1, .invalidUTF8(field: 1), ["\"\u{FFFD}\u{FFFD}\u{FFFD}"]), .row(2, ["b"])]),
    ReaderCase(
        "partial byte order mark is data", bytes: [0xEF, 0xBB] + Array("a\n".utf8),
        [.bad(1, .invalidUTF8(field: 1), ["\u{FFFD}a"])]),
    ReaderCase(
        "NUL byte", "a,b\u{0}c\nd,e\n",
        [.bad(1, .nulByte(field: 2), ["a", "b\u{0}c"]), .row(2, ["d", "e"])]),
    ReaderCase(
        "NUL byte in a quoted field", "\"a\u{0}\",b\nc\n",
        [.bad(1, .nulByte(field: 1), ["a\u{0}", "b"]), .row(2, ["c"])]),
    ReaderCase(
        "text after closing quote", "\"a\"b,c\nd\n",
        [.bad(1, .textAfterClosingQuote(field: 1), ["a\"b", "c"]), .row(2, ["d"])]),
    ReaderCase(
        "text after closing quote in a later field", "x,\"a\" ,y\r\nd\r\n",
        [.bad(1, .textAfterClosingQuote(field: 2), ["x", "a\" ", "y"]), .row(2, ["d"])]),
    ReaderCase(
        "quote in an unquoted field", "a\"b,c\nd\n",
        [.bad(1, .quoteInUnquotedField(field: 1), ["a\"b", "c"]), .row(2, ["d"])]),
    ReaderCase(
        "quote at the end of an unquoted field", "x,5'10\"\nd\n",
        [.bad(1, .quoteInUnquotedField(field: 2), ["x", "5'10\""]), .row(2, ["d"])]),
    ReaderCase(
        "resynchronises at the next line end outside quotes", "a\"b,\"c\nd\"\ne\n",
        [
            .bad(1, through: 2, .quoteInUnquotedField(field: 1), ["a\"b", "c\nd"]),
            .row(3, ["e"]),
        ]),
    ReaderCase(
        "first problem wins", "a\"b,\"c\"d,\u{0}\ne\n",
        [.bad(1, .quoteInUnquotedField(field: 1), ["a\"b", "c\"d", "\u{0}"]), .row(2, ["e"])]),
    ReaderCase(
        "field at the size limit", "abc,\"a\"\"b\"\n", [.row(1, ["abc", "a\"b"])],
        options: CSVOptions(maximumFieldBytes: 3)),
    ReaderCase(
        "unquoted field over the size limit", "abc,abcd,x\nok\n",
        [.bad(1, .fieldTooLarge(field: 2, limit: 3), ["abc"]), .row(2, ["ok"])],
        options: CSVOptions(maximumFieldBytes: 3)),
    ReaderCase(
        "quoted field over the size limit", "\"a\"\"bc\"\nok\n",
        [.bad(1, .fieldTooLarge(field: 1, limit: 3), []), .row(2, ["ok"])],
        options: CSVOptions(maximumFieldBytes: 3)),
    ReaderCase(
        "unclosed quote over the size limit", "x,\"abcdefgh\nxyz",
        [.bad(1, through: 2, .fieldTooLarge(field: 2, limit: 4), ["x"])],
        options: CSVOptions(maximumFieldBytes: 4)),
    ReaderCase(
        "NUL after the size limit is passed", "abcdef\u{0}\nok\n",
        [.bad(1, .fieldTooLarge(field: 1, limit: 4), []), .row(2, ["ok"])],
        options: CSVOptions(maximumFieldBytes: 4)),
    ReaderCase(
        "NUL before the size limit is passed", "ab\u{0}cdef\nok\n",
        [.bad(1, .nulByte(field: 1), []), .row(2, ["ok"])],
        options: CSVOptions(maximumFieldBytes: 4)),
]
