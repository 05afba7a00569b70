extension Optional where Wrapped: RangeReplaceableCollection {
    /// The value as a non-nullable field, in versions before the field became
    /// nullable: nil is written as empty, and read back as empty.
    public var orEmpty: Wrapped {
        get { self ?? Wrapped() }
        set { self = newValue }
    }
}
