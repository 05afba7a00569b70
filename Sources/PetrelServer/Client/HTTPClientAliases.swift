import Pipeline

/// The HTTP client lives in Pipeline (the scrape source uses it); these names
/// keep `petrel query` and other CLI commands importing only PetrelServer.
public typealias HTTPClient = Pipeline.HTTPClient
public typealias HTTPClientError = Pipeline.HTTPClientError
public typealias FormEncoding = Pipeline.FormEncoding
