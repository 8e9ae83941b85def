using System.CommandLine;
using CityStream.Cli.Internal;
using CityStream.Engine;
using Spectre.Console;

namespace CityStream.Cli.Commands;

/// <summary><c>citystream replay</c>: a backtest of rule packs on history files, with the same alerts as live.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var rules = CommonOptions.Rules();
        var input = new Option<string[]>("--input") { Description = "History files: <topic>.ndjson or <topic>.arrow (e.g. city.hotline.ndjson); directories are expanded.", Required = true, AllowMultipleArgumentsPerToken = true };
        var topic = new Option<string?>("--topic") { Description = "Topic (source) of every input file, when their names do not say it." };
        var output = new Option<string>("--output") { Description = "NDJSON file the alerts are appended to.", DefaultValueFactory = _ => "replay-alerts.ndjson" };
        var deadLetters = new Option<string>("--dead-letters") { Description = "NDJSON file dead letters go to.", DefaultValueFactory = _ => "replay-dead-letters.ndjson" };
        var command = new Command("replay", "Backtest rule packs on history (NDJSON or Arrow files): a progress bar, then a per-rule summary.")
        {
            rules, input, topic, output, deadLetters,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ruleSet = RulesWatcher.LoadInitial(parse.GetValue(rules)!);
            if (ruleSet is null)
            {
                return 1;
            }

            var files = Expand(parse.GetValue(input)!);
            if (files.Count == 0)
            {
                Console.Error.WriteLine("replay: no input files");
                return 2;
            }

            await using var alerts = new NdjsonAlertSink(parse.GetValue(output)!);
            await using var letters = new NdjsonDeadLetterSink(parse.GetValue(deadLetters)!);
            var perRule = new Dictionary<string, int>(StringComparer.Ordinal);
            var host = new InProcessHost(new RuleRuntime(ruleSet), [alerts], letters);
            host.AlertsWritten += written =>
            {
                foreach (var alert in written)
                {
                    perRule[alert.Rule] = perRule.GetValueOrDefault(alert.Rule) + 1;
                }
            };

            var inputs = files.Select(f => (Path: f, Topic: FileInput.TopicOf(f, parse.GetValue(topic)))).ToList();
            var ndjson = inputs.Where(f => !f.Path.EndsWith(".arrow", StringComparison.OrdinalIgnoreCase)).ToList();
            var arrow = inputs.Except(ndjson).ToList();
            await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
            {
                if (ndjson.Count > 0)
                {
                    var task = progress.AddTask($"{ndjson.Count} NDJSON file(s), merged by event time", maxValue: ndjson.Sum(f => new FileInfo(f.Path).Length));
                    foreach (var batch in FileInput.ReadMerged(ndjson, 1_000))
                    {
                        await host.ProcessAsync(batch, cancellationToken);
                        task.Increment(Sum(batch));
                    }

                    task.Value = task.MaxValue;
                }

                foreach (var (file, fileTopic) in arrow)
                {
                    var task = progress.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: new FileInfo(file).Length);
                    foreach (var batch in FileInput.Read(file, fileTopic, 1_000))
                    {
                        await host.ProcessAsync(batch, cancellationToken);
                        task.Increment(Sum(batch));
                    }

                    task.Value = task.MaxValue;
                }
            });

            var table = new Table().Title("replay summary").AddColumns("rule", "pack", "alerts");
            foreach (var pack in ruleSet.Packs)
            {
                foreach (var id in pack.RuleIds)
                {
                    table.AddRow(Markup.Escape(id), Markup.Escape(pack.Name), perRule.GetValueOrDefault(id).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"events {host.EventsIn:N0}, processed {host.EventsProcessed:N0}, dead-lettered {host.DeadLettered:N0}, alerts {host.AlertsEmitted:N0}");
            return 0;
        });
        return command;
    }

    private static long Sum(List<InputRecord> batch)
    {
        long total = 0;
        foreach (var record in batch)
        {
            total += record.Value.Length + 1;
        }

        return total;
    }

    private static List<string> Expand(string[] inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, "city.*.ndjson").Concat(Directory.EnumerateFiles(input, "city.*.arrow")).Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(input);
            }
        }

        return files;
    }
}
