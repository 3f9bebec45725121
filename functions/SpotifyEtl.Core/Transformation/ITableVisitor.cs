namespace SpotifyEtl.Transformation;

/// <summary>Receives each table of a day in turn (a generic callback over the row types).</summary>
public interface ITableVisitor
{
    Task VisitAsync<T>(IReadOnlyList<T> rows) where T : ITableRow<T>;
}
