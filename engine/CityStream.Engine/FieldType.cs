namespace CityStream.Engine;

/// <summary>The type of a field of a source schema, as rules see it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are named after the JSON Schema types they stand for.")]
public enum FieldType
{
    /// <summary>A UTF-8 string (JSON Schema <c>string</c>).</summary>
    String,

    /// <summary>A floating-point number (JSON Schema <c>number</c>).</summary>
    Number,

    /// <summary>A whole number (JSON Schema <c>integer</c>), exact up to 2^53.</summary>
    Integer,

    /// <summary>A boolean (JSON Schema <c>boolean</c>).</summary>
    Boolean,

    /// <summary>An event time in Unix epoch milliseconds (an integer marked <c>x-citystream-time</c>).</summary>
    Timestamp,
}
