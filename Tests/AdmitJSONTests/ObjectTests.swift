import AdmitJSON
import Testing

@Suite("JSONObject and JSONValue accessors")
struct ObjectTests {
    @Test("members keep their order and are iterable as (key, value)")
    func order() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":"x","m":null}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object.values == [1, "x", nil])
        var seen: [String] = []
        for (key, member) in object {
            seen.append(key)
            #expect(object[key] == member)
        }
        #expect(seen == ["z", "a", "m"])
        #expect(object.count == 3)
        #expect(!object.isEmpty)
    }

    @Test("lookups on small and large objects", arguments: [3, 11, 12, 13, 50])
    func lookups(_ size: Int) {
        var object = JSONObject()
        for index in 0..<size { object["key\(index)"] = .number(JSONNumber(index)) }
        #expect(object.count == size)
        for index in 0..<size {
            #expect(object["key\(index)"]?.int64Value == Int64(index))
            #expect(object.index(forKey: "key\(index)") == index)
        }
        #expect(object["missing"] == nil)
    }

    @Test("setting updates in place, appends new keys, nil removes", arguments: [4, 30])
    func mutation(_ size: Int) {
        var object = JSONObject(uniqueKeysWithValues: (0..<size).map { ("k\($0)", JSONValue.number(JSONNumber($0))) })
        object["k1"] = "changed"
        #expect(object.keys[1] == "k1")
        #expect(object["k1"] == "changed")
        object["new"] = true
        #expect(object.keys.last == "new")
        object["k0"] = nil
        #expect(object["k0"] == nil)
        #expect(object.count == size)
        #expect(object.keys.first == "k1")
        // Positions after the removal are found again (the index is rebuilt).
        #expect(object["new"] == true)
        #expect(object.index(forKey: "new") == size - 1)
        #expect(object["k\(size - 1)"]?.int64Value == Int64(size - 1))
        object["absent"] = nil
        #expect(object.count == size)
    }

    @Test("uniquingKeysWith combines repeated keys at the first position")
    func uniquing() {
        let object = JSONObject([("a", 1), ("b", 2), ("a", 3)]) { old, new in
            .number(JSONNumber((old.int64Value ?? 0) + (new.int64Value ?? 0)))
        }
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 4)
    }

    @Test("equality is order-sensitive and ignores the lookup index")
    func equality() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        #expect(ab == JSONObject(uniqueKeysWithValues: [("a", 1), ("b", 2)]))
        var large = JSONObject(uniqueKeysWithValues: (0..<20).map { ("k\($0)", JSONValue.null) })
        let copy = large
        large["k19"] = nil
        large["k19"] = .null
        #expect(large == copy)
        #expect(large.hashValue == copy.hashValue)
    }

    @Test("value accessors return nil for other kinds")
    func accessors() throws {
        let value = try JSONParser.parse(#"{"s":"x","i":7,"d":2.5,"b":false,"n":null,"a":[1,2],"o":{"k":"v"}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.int64Value == 7)
        #expect(value["d"]?.doubleValue == 2.5)
        #expect(value["d"]?.int64Value == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["n"]?.isNull == true)
        #expect(value["s"]?.isNull == false)
        #expect(value["a"]?.arrayValue == [1, 2])
        #expect(value["a"]?[1] == 2)
        #expect(value["a"]?[2] == nil)
        #expect(value["a"]?[-1] == nil)
        #expect(value["o"]?["k"] == "v")
        #expect(value["o"]?.objectValue?.keys == ["k"])
        #expect(value["missing"] == nil)
        #expect(value["s"]?["k"] == nil)
        #expect(value["s"]?.int64Value == nil)
        #expect(value["i"]?.stringValue == nil)
        #expect(value["b"]?.arrayValue == nil)
        #expect(value["a"]?.objectValue == nil)
        #expect(value[0] == nil)
    }
}

@Suite("Descriptions")
struct DescriptionTests {
    @Test("values, objects and numbers describe themselves as JSON text")
    func descriptions() throws {
        let value = try JSONParser.parse(#"{"b":[1.50,"x"],"a":null}"#)
        #expect("\(value)" == #"{"b":[1.50,"x"],"a":null}"#)
        #expect(try #require(value.objectValue).description == #"{"b":[1.50,"x"],"a":null}"#)
        #expect(try #require(value["b"]?[0]?.numberValue).description == "1.50")
    }
}
