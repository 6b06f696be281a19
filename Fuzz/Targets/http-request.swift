/// libFuzzer entry of target `http-request`; the driver is `HTTPRequestFuzzDriver` (Tests/WireCodecsTests/Fuzz/Drivers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzEntry.run(data, size, HTTPRequestFuzzDriver.run)
}
