import AdmitCSV
import Testing

/// One case of csv-spectrum (github.com/maxogden/csv-spectrum, MIT): a CSV file and the records
/// its JSON twin says it holds (the header first). Copied here so the tests need nothing outside
/// the repository.
struct CSVSpectrumCase: Sendable, CustomTestStringConvertible {
    var name: String
    var csv: String
    var records: [[String]]

    var testDescription: String { name }
}

@Suite struct CSVSpectrumTests {
    static let cases: [CSVSpectrumCase] = [
        CSVSpectrumCase(
            name: "comma_in_quotes", csv: "first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123",
            records: [["first", "last", "address", "city", "zip"], ["John", "Doe", "120 any st.", "Anytown, WW", "08123"]]),
        CSVSpectrumCase(
            name: "empty", csv: "a,b,c\n1,\"\",\"\"\n2,3,4",
            records: [["a", "b", "c"], ["1", "", ""], ["2", "3", "4"]]),
        CSVSpectrumCase(
            name: "empty_crlf", csv: "a,b,c\r\n1,\"\",\"\"\r\n2,3,4",
            records: [["a", "b", "c"], ["1", "", ""], ["2", "3", "4"]]),
        CSVSpectrumCase(
            name: "escaped_quotes", csv: "a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
            records: [["a", "b"], ["1", "ha \"ha\" ha"], ["3", "4"]]),
        CSVSpectrumCase(
            name: "json", csv: "key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
            records: [["key", "val"], ["1", "{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"]]),
        // The JSON twin upstream holds another record. The file has bare quotes inside an
        // unquoted field, which RFC 4180 forbids: the reader flags that row (see below).
        CSVSpectrumCase(
            name: "location_coordinates",
            csv:
                "Contact Phone Number,Location Coordinates,Cities,Counties\n2095257564,37\u{FFFD}36'37.8\"N 121\u{FFFD}2'17.9\"W,Modesto,Stanislaus",
            records: [
                ["Contact Phone Number", "Location Coordinates", "Cities", "Counties"],
                ["2095257564", "37\u{FFFD}36'37.8\"N 121\u{FFFD}2'17.9\"W", "Modesto", "Stanislaus"],
            ]),
        CSVSpectrumCase(
            name: "newlines", csv: "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
            records: [["a", "b", "c"], ["1", "2", "3"], ["Once upon \na time", "5", "6"], ["7", "8", "9"]]),
        CSVSpectrumCase(
            name: "newlines_crlf", csv: "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
            records: [["a", "b", "c"], ["1", "2", "3"], ["Once upon \r\na time", "5", "6"], ["7", "8", "9"]]),
        CSVSpectrumCase(
            name: "quotes_and_newlines", csv: "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
            records: [["a", "b"], ["1", "ha \n\"ha\" \nha"], ["3", "4"]]),
        CSVSpectrumCase(
            name: "simple", csv: "a,b,c\n1,2,3\n",
            records: [["a", "b", "c"], ["1", "2", "3"]]),
        CSVSpectrumCase(
            name: "simple_crlf", csv: "a,b,c\r\n1,2,3\r\n",
            records: [["a", "b", "c"], ["1", "2", "3"]]),
        CSVSpectrumCase(
            name: "utf8", csv: "a,b,c\n1,2,3\n4,5,\u{2A4}",
            records: [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "\u{2A4}"]]),
    ]

    @Test(arguments: cases, [nil, 1, 3])
    func readsEachFileAsItsJSONTwinSays(_ spectrum: CSVSpectrumCase, chunk: Int?) throws {
        let rows = try readAll(Array(spectrum.csv.utf8), chunk: chunk)
        #expect(rows.map(\.fields) == spectrum.records)
        let problems = rows.map(\.problem)
        if spectrum.name == "location_coordinates" {
            #expect(problems == [nil, .quoteInUnquotedField(field: 2)])
        } else {
            #expect(problems.allSatisfy { $0 == nil }, "\(problems)")
        }
    }
}
