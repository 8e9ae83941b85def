using System.CommandLine;
using CityStream.Cli.Internal;
using CityStream.Engine;
using CityStream.Engine.RuleTests;

namespace CityStream.Cli.Commands;

/// <summary><c>citystream rules check | test | explain</c>: tools for rule authors; a non-zero exit on any failure.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var command = new Command("rules", "Tools for rule authors: check packs, run their tests, explain a rule.");
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Test());
        command.Subcommands.Add(Explain());
        return command;
    }

    private static Command Check()
    {
        var directory = new Argument<string>("DIR") { Description = "A rule pack, or a directory of packs.", DefaultValueFactory = _ => CommonOptions.DefaultRulesDirectory() };
        var command = new Command("check", "Compile every pack against the source schemas; print every error as file:line:col; exit 1 on any.") { directory };
        command.SetAction(parse =>
        {
            var result = RuleSet.Load(parse.GetValue(directory)!);
            if (result.RuleSet is null)
            {
                RulesWatcher.PrintErrors(result.Errors);
                return 1;
            }

            foreach (var pack in result.RuleSet.Packs)
            {
                Console.WriteLine($"{pack.File}: pack {pack.Name}, {pack.RuleIds.Count()} rule(s): ok");
            }

            return 0;
        });
        return command;
    }

    private static Command Test()
    {
        var path = new Argument<string>("PATH") { Description = "A rule test file (*.test.yaml), or a directory of them next to their packs.", DefaultValueFactory = _ => CommonOptions.DefaultRulesDirectory() };
        var command = new Command("test", "Run the rule tests (promtool style: input events on a virtual clock, expected alerts); print a diff for each failure; exit 1 on any.") { path };
        command.SetAction(parse =>
        {
            var report = RuleTestRunner.RunPath(parse.GetValue(path)!);
            Console.WriteLine(report);
            return report.Passed ? 0 : 1;
        });
        return command;
    }

    private static Command Explain()
    {
        var id = new Argument<string>("ID") { Description = "Rule id, e.g. video.smoke." };
        var rules = CommonOptions.Rules();
        var command = new Command("explain", "Print a rule's compiled plan: source, lateness, filter, key, dedup and suppression, state, evidence fields.") { id, rules };
        command.SetAction(parse =>
        {
            var result = RuleSet.Load(parse.GetValue(rules)!);
            if (result.RuleSet is null)
            {
                RulesWatcher.PrintErrors(result.Errors);
                return 1;
            }

            var plan = RulePlan.Explain(result.RuleSet, parse.GetValue(id)!);
            if (plan is null)
            {
                Console.Error.WriteLine($"no rule '{parse.GetValue(id)}'");
                return 1;
            }

            Console.WriteLine(plan);
            return 0;
        });
        return command;
    }
}
