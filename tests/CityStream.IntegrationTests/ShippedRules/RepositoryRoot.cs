namespace CityStream.IntegrationTests.ShippedRules;

/// <summary>Finds the repository root (the directory with CityStream.sln) from the test's working directory.</summary>
internal static class RepositoryRoot
{
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CityStream.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no CityStream.sln above {AppContext.BaseDirectory}");
    }

    public static string Rules => Path.Combine(Find(), "rules");
}
