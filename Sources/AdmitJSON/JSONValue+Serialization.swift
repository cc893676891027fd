extension JSONValue {
    /// Compact JSON text with no whitespace, e.g. `{"a":[1,"x"]}`.
    public func serialized() -> String {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.value(self)
        return writer.string
    }

    /// Compact JSON text as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.value(self)
        return writer.take()
    }

    /// Human-readable JSON text: one member or element per line, 2-space indent, no trailing newline.
    public func prettyPrinted() -> String {
        var writer = JSONWriter(style: .pretty, reservingCapacity: 256)
        writer.value(self)
        return writer.string
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text (see ``serialized()``).
    public var description: String { serialized() }
}

extension JSONObject: CustomStringConvertible {
    /// The compact JSON text of the object.
    public var description: String { JSONValue.object(self).serialized() }
}
