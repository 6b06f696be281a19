extension JSONValue {
    /// The compact JSON text of this value (RFC 8259; see `JSONSerializer` for the number rules).
    public func serialized() -> String {
        JSONSerializer.serialize(self)
    }

    /// Appends the compact UTF-8 JSON text of this value.
    public func append(to buffer: inout [UInt8]) {
        JSONSerializer.append(self, to: &buffer)
    }
}
