import PetrelCore
