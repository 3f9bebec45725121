namespace SpotifyEtl.Transformation.Parquet;

/// <summary>The Parquet physical types the lake writes, with their Thrift numbers.</summary>
internal enum PhysicalType
{
    Boolean = 0,
    Int32 = 1,
    ByteArray = 6,
}

/// <summary>One column chunk as the footer describes it: where it starts, its counts and sizes.</summary>
internal sealed class ChunkInfo(string name, PhysicalType type, long start)
{
    public string Name { get; } = name;
    public PhysicalType Type { get; } = type;
    public long Start { get; } = start;
    public long Values { get; set; }
    public long Nulls { get; set; }
    public long Uncompressed { get; set; }
    public long Compressed { get; set; }

    /// <summary>The same chunk, written <paramref name="offset"/> bytes further into its file.</summary>
    public ChunkInfo MovedBy(long offset) => new(Name, Type, Start + offset)
    {
        Values = Values,
        Nulls = Nulls,
        Uncompressed = Uncompressed,
        Compressed = Compressed,
    };
}
