namespace SpotifyEtl.Transformation.Parquet;

/// <summary>
/// A Parquet file's metadata (the footer's Thrift FileMetaData): the schema, every column optional and
/// text as UTF-8 strings, then one row group with where each column chunk starts, its sizes and its null
/// count.
/// </summary>
internal static class ParquetFooter
{
    private const int SnappyCodec = 1;
    private const int Utf8ConvertedType = 0;
    private const int OptionalRepetition = 1;

    public static void Write(PooledBufferWriter output, IReadOnlyList<ChunkInfo> chunks, long rowCount, string createdBy)
    {
        var thrift = new ThriftCompactWriter(output);
        thrift.I32(1, 1);
        thrift.StructList(2, chunks.Count + 1);
        thrift.BeginStructValue();
        thrift.String(4, "schema");
        thrift.I32(5, chunks.Count);
        thrift.EndStruct();
        foreach (var chunk in chunks)
        {
            thrift.BeginStructValue();
            thrift.I32(1, (int)chunk.Type);
            thrift.I32(3, OptionalRepetition);
            thrift.String(4, chunk.Name);
            if (chunk.Type == PhysicalType.ByteArray)
            {
                thrift.I32(6, Utf8ConvertedType);
                thrift.BeginStruct(10); // logicalType: STRING
                thrift.BeginStruct(1);
                thrift.EndStruct();
                thrift.EndStruct();
            }
            thrift.EndStruct();
        }
        thrift.I64(3, rowCount);
        if (rowCount == 0)
        {
            thrift.StructList(4, 0);
        }
        else
        {
            thrift.StructList(4, 1);
            thrift.BeginStructValue();
            thrift.StructList(1, chunks.Count);
            foreach (var chunk in chunks)
            {
                thrift.BeginStructValue();
                thrift.I64(2, chunk.Start);
                thrift.BeginStruct(3);
                thrift.I32(1, (int)chunk.Type);
                thrift.I32List(2, [ParquetFileWriter.PlainEncoding, ParquetFileWriter.RleEncoding]);
                thrift.StringList(3, [chunk.Name]);
                thrift.I32(4, SnappyCodec);
                thrift.I64(5, chunk.Values);
                thrift.I64(6, chunk.Uncompressed);
                thrift.I64(7, chunk.Compressed);
                thrift.I64(9, chunk.Start);
                thrift.BeginStruct(12); // statistics
                thrift.I64(3, chunk.Nulls);
                thrift.EndStruct();
                thrift.EndStruct();
                thrift.EndStruct();
            }
            thrift.I64(2, chunks.Sum(c => c.Uncompressed));
            thrift.I64(3, rowCount);
            thrift.I64(5, chunks[0].Start);
            thrift.I64(6, chunks.Sum(c => c.Compressed));
            thrift.EndStruct();
        }
        thrift.String(6, createdBy);
        thrift.EndStruct();
    }
}
