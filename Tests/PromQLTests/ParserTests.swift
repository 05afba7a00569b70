import PetrelCore
import Testing
@testable import PromQL
