import Testing
@testable import PetrelServer
