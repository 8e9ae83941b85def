using System.Reflection;

namespace CityStream.Connectors.Redis.Internal;

/// <summary>The Lua scripts of the sink, read from the <c>.lua</c> files embedded in this assembly.</summary>
internal static class AlertScripts
{
    public static readonly string WriteAlert = ReadEmbedded("WriteAlert.lua");

    public static readonly string CloseAlert = ReadEmbedded("CloseAlert.lua");

    private static string ReadEmbedded(string fileName)
    {
        var resourceName = "CityStream.Connectors.Redis.Internal." + fileName;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded script {resourceName} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
