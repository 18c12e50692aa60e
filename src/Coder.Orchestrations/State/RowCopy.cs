using System.Reflection;

namespace Coder.Orchestrations.State;

/// <summary>
/// Shallow copies of typed table rows (their properties are strings, numbers and times; not TableEntity, whose values
/// live in a dictionary the copy would share), so a row kept in memory is never the object a caller goes on to change.
/// </summary>
public static class RowCopy
{
    static readonly Func<object, object> Clone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate<Func<object, object>>();

    public static T Of<T>(T row) where T : class => (T)Clone(row);
}
