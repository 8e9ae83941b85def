using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Finds the librdkafka that Confluent.Kafka loaded, for the few C functions the host calls on it directly.</summary>
internal static unsafe class LibrdkafkaLibrary
{
    /// <summary>
    /// Loads the librdkafka the client loaded (it picks one of several builds shipped in its redist package, by platform): loading the same
    /// file again returns the same library, where a second copy would not know the client's handle.
    /// </summary>
    public static bool TryLoad(out nint library, out string whyNot)
    {
        library = 0;
        string? found;
        try
        {
            // A producer may be the first client of the process: asking the client for its version makes it load its library.
            _ = Library.Version;
            found = LoadedLibraryPath(out whyNot);
            if (found is null)
            {
                return false;
            }

            library = NativeLibrary.Load(found);
            var version = (delegate* unmanaged[Cdecl]<int>)NativeLibrary.GetExport(library, "rd_kafka_version");
            if (version() != Library.Version)
            {
                whyNot = $"{found} is not the librdkafka the client reports (version {Library.Version:x})";
                NativeLibrary.Free(library);
                library = 0;
                return false;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            if (library != 0)
            {
                NativeLibrary.Free(library);
                library = 0;
            }

            whyNot = ex.Message;
            return false;
        }

        whyNot = string.Empty;
        return true;
    }

    private static string? LoadedLibraryPath(out string whyNot)
    {
        string? found = null;
        using (var process = Process.GetCurrentProcess())
        {
            foreach (ProcessModule module in process.Modules)
            {
                if (module.ModuleName.Contains("rdkafka", StringComparison.OrdinalIgnoreCase))
                {
                    if (found is not null && !string.Equals(found, module.FileName, StringComparison.Ordinal))
                    {
                        whyNot = $"two librdkafka libraries are loaded ({found}, {module.FileName})";
                        return null;
                    }

                    found = module.FileName;
                }
            }
        }

        whyNot = found is null ? "no loaded librdkafka library was found among the process's modules" : string.Empty;
        return found;
    }
}
