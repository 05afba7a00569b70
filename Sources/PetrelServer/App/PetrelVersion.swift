/// Petrel's release version, shown by `petrel version` and the build-info API.
public enum PetrelVersion {
    public static let current = "0.1.0"
}
