/// libFuzzer entry of target `jwt`; the driver is `JSONWebTokenFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, JSONWebTokenFuzzDriver.run)
}
