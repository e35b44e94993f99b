using System.Globalization;
using Dtx.Campaign.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>A problem found while reading a definition: where (file, line, field) and what.</summary>
public sealed record WorkflowProblem(string File, int Line, string Field, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Field}: {Message}";
}

/// <summary>Either a definition (no problems) or the problems that prevent it.</summary>
public sealed record DefinitionReadResult(WorkflowDefinition? Definition, IReadOnlyList<WorkflowProblem> Problems)
{
    public bool IsValid => Definition is not null && Problems.Count == 0;
}

/// <summary>
/// Reads a YAML workflow definition (see <c>workflows/workflow.schema.json</c>) through YamlDotNet's
/// representation model, so every problem names its line and field path.
/// </summary>
public static class WorkflowDefinitionReader
{
    internal static readonly string[] RootFields = ["key", "version", "name", "stages"];
    internal static readonly string[] NameFields = ["vi", "en"];
    internal static readonly string[] StageFields = ["key", "name", "final", "on-enter", "timers", "gate", "transitions"];
    internal static readonly string[] TimerFields = ["at", "offset", "time", "transition", "activity", "guard", "every", "until"];
    internal static readonly string[] GateFields = ["role", "to"];
    internal static readonly string[] TransitionFields = ["to", "on", "guard", "at", "offset", "time", "role"];

    public static DefinitionReadResult Read(string yaml, string fileName, WorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(catalog);
        var reader = new Reader(fileName, catalog);
        var definition = reader.ReadDocument(yaml);
        return reader.Problems.Count == 0
            ? new DefinitionReadResult(definition, [])
            : new DefinitionReadResult(null, reader.Problems);
    }

    public static DefinitionReadResult ReadFile(string path, WorkflowCatalog catalog)
    {
        // Refused by its length on disk before it is read into memory (4 bytes per character at most in UTF-8).
        var length = new FileInfo(path).Length;
        if (length > 4L * YamlLimits.MaxCharacters)
            return new DefinitionReadResult(null, [new WorkflowProblem(Path.GetFileName(path), 1, "(limit)",
                $"Tệp quá lớn: {length} byte / the file has {length} bytes, the limit is {4L * YamlLimits.MaxCharacters} (limit: size)")]);
        return Read(File.ReadAllText(path), Path.GetFileName(path), catalog);
    }

    private sealed class Reader(string file, WorkflowCatalog catalog)
    {
        public List<WorkflowProblem> Problems { get; } = [];

        private void Problem(YamlNode? node, string field, string message) =>
            Problems.Add(new WorkflowProblem(file, node is null ? 1 : (int)node.Start.Line, field, message));

        public WorkflowDefinition? ReadDocument(string yaml)
        {
            // Checked before loading: the loader itself recurses and expands aliases.
            if (YamlLimits.Check(yaml) is { } breach)
            {
                Problems.Add(new WorkflowProblem(file, breach.Line, "(limit)", breach.Message));
                return null;
            }
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException ex)
            {
                Problems.Add(new WorkflowProblem(file, (int)ex.Start.Line, "(yaml)", ex.InnerException?.Message ?? ex.Message));
                return null;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner gives up without a position on some unterminated flow collections.
                Problems.Add(new WorkflowProblem(file, 1, "(yaml)", "malformed YAML: an unterminated { } or [ ] collection?"));
                return null;
            }

            if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                Problem(stream.Documents.FirstOrDefault()?.RootNode, "(root)", "a definition must be one YAML mapping");
                return null;
            }

            CheckFields(root, "", RootFields);
            var key = RequiredScalar(root, "", "key");
            var versionText = RequiredScalar(root, "", "version");
            var version = 0;
            if (versionText is not null
                && (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1))
            {
                Problem(Child(root, "version"), "version", $"'{versionText}' is not a positive whole number");
            }

            var name = ReadName(root, "");
            var stagesNode = Child(root, "stages");
            if (stagesNode is not YamlSequenceNode stageSeq || stageSeq.Children.Count == 0)
            {
                Problem(stagesNode ?? root, "stages", "a definition needs a non-empty list of stages");
                return null;
            }

            var stages = new List<(StageDefinition Stage, YamlMappingNode Node, string Path)>();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < stageSeq.Children.Count; i++)
            {
                var path = $"stages[{i}]";
                if (stageSeq.Children[i] is not YamlMappingNode stageNode)
                {
                    Problem(stageSeq.Children[i], path, "a stage must be a mapping");
                    continue;
                }

                var stage = ReadStage(stageNode, path);
                if (stage is null)
                {
                    continue;
                }

                if (!seen.TryAdd(stage.Key, path))
                {
                    Problem(Child(stageNode, "key"), path + ".key", $"duplicate stage key '{stage.Key}' (first at {seen[stage.Key]})");
                    continue;
                }

                stages.Add((stage, stageNode, path));
            }

            CheckGraph(stages, stagesNode);
            if (Problems.Count > 0 || key is null || name is null)
            {
                return null;
            }

            return new WorkflowDefinition(key, version, name, stages.Select(s => s.Stage).ToList(), file);
        }

        private void CheckGraph(List<(StageDefinition Stage, YamlMappingNode Node, string Path)> stages, YamlNode stagesNode)
        {
            var keys = stages.Select(s => s.Stage.Key).ToHashSet(StringComparer.Ordinal);
            foreach (var (stage, node, path) in stages)
            {
                foreach (var (to, field, at) in TargetsOf(stage, node, path))
                {
                    if (!keys.Contains(to))
                    {
                        Problem(at, field, $"unknown stage '{to}'" + Suggest(to, keys));
                    }
                }

                if (!stage.IsFinal && !stage.Edges().Any())
                {
                    Problem(Child(node, "key"), path + ".key", $"stage '{stage.Key}' is not final and has no way out (no timer transition, gate or transition)");
                }
            }

            var finals = stages.Where(s => s.Stage.IsFinal).ToList();
            if (finals.Count == 0)
            {
                Problem(stagesNode, "stages", "no final stage: mark the last stage with 'final: true'");
            }

            foreach (var extra in finals.Skip(1))
            {
                Problem(Child(extra.Node, "final"), extra.Path + ".final", $"more than one final stage ('{finals[0].Stage.Key}' and '{extra.Stage.Key}')");
            }

            if (stages.Count == 0)
            {
                return;
            }

            var reached = new HashSet<string>(StringComparer.Ordinal) { stages[0].Stage.Key };
            var queue = new Queue<StageDefinition>([stages[0].Stage]);
            var byKey = stages.ToDictionary(s => s.Stage.Key, s => s.Stage, StringComparer.Ordinal);
            while (queue.Count > 0)
            {
                foreach (var (to, _) in queue.Dequeue().Edges())
                {
                    if (byKey.TryGetValue(to, out var next) && reached.Add(to))
                    {
                        queue.Enqueue(next);
                    }
                }
            }

            foreach (var (stage, node, path) in stages.Where(s => !reached.Contains(s.Stage.Key)))
            {
                Problem(Child(node, "key"), path + ".key", $"stage '{stage.Key}' is unreachable from the initial stage '{stages[0].Stage.Key}'");
            }
        }

        private static IEnumerable<(string To, string Field, YamlNode? Node)> TargetsOf(StageDefinition stage, YamlMappingNode node, string path)
        {
            var timers = Child(node, "timers") as YamlSequenceNode;
            var transitions = Child(node, "transitions") as YamlSequenceNode;
            foreach (var timer in stage.Timers.Where(t => t.TransitionTo is not null))
            {
                // Timers written as transitions (on: timer) keep their place in 'transitions'.
                if (timer.Index >= 0 && timers is not null)
                {
                    yield return (timer.TransitionTo!, $"{path}.timers[{timer.Index}].transition", Child(timers.Children[timer.Index], "transition"));
                }
                else if (transitions is not null)
                {
                    var i = -timer.Index - 1;
                    yield return (timer.TransitionTo!, $"{path}.transitions[{i}].to", Child(transitions.Children[i], "to"));
                }
            }

            if (stage.Gate is not null)
            {
                var gateNode = Child(node, "gate");
                if (gateNode is YamlMappingNode)
                {
                    yield return (stage.Gate.To, path + ".gate.to", Child(gateNode, "to"));
                }
                else if (transitions is not null)
                {
                    var i = transitions.Children.ToList().FindIndex(t => Scalar(Child(t, "on")) == "approval");
                    yield return (stage.Gate.To, $"{path}.transitions[{i}].to", Child(transitions.Children[i], "to"));
                }
            }

            foreach (var transition in stage.Transitions)
            {
                yield return (transition.To, $"{path}.transitions[{transition.Index}].to", Child(transitions!.Children[transition.Index], "to"));
            }
        }

        private StageDefinition? ReadStage(YamlMappingNode node, string path)
        {
            CheckFields(node, path, StageFields);
            var key = RequiredScalar(node, path, "key");
            var name = ReadName(node, path);
            var final = false;
            var finalNode = Child(node, "final");
            if (finalNode is not null)
            {
                var text = Scalar(finalNode);
                if (text is not ("true" or "false"))
                {
                    Problem(finalNode, path + ".final", "must be true or false");
                }

                final = text == "true";
            }

            var onEnter = new List<ActivityInvocation>();
            foreach (var (item, itemPath) in Items(node, path, "on-enter"))
            {
                if (ReadActivity(item, itemPath) is { } invocation)
                {
                    onEnter.Add(invocation);
                }
            }

            var timers = new List<TimerDefinition>();
            foreach (var (item, itemPath) in Items(node, path, "timers"))
            {
                if (item is not YamlMappingNode timerNode)
                {
                    Problem(item, itemPath, "a timer must be a mapping");
                    continue;
                }

                var activityNode = Child(timerNode, "activity");
                if (activityNode is not YamlScalarNode)
                {
                    // With an inline activity the other fields are its parameters, checked against it.
                    CheckFields(timerNode, itemPath, TimerFields);
                }

                var at = ReadDateRef(timerNode, itemPath);
                var transition = OptionalScalar(timerNode, itemPath, "transition");
                ActivityInvocation? activity = null;
                if (activityNode is not null)
                {
                    activity = activityNode is YamlMappingNode
                        ? ReadActivity(activityNode, itemPath + ".activity")
                        : ReadActivity(timerNode, itemPath, TimerFields);
                }

                if ((transition is null) == (activityNode is null))
                {
                    Problem(timerNode, itemPath, "a timer needs exactly one of 'transition' or 'activity'");
                }

                var guard = ReadGuard(timerNode, itemPath);
                var (every, until) = ReadRepeat(timerNode, itemPath, transition is not null);
                if (at is not null)
                {
                    timers.Add(new TimerDefinition(timers.Count, at, transition, activity, guard, every, until));
                }
            }

            GateDefinition? gate = null;
            var gateNode = Child(node, "gate");
            if (gateNode is not null)
            {
                if (gateNode is not YamlMappingNode gateMap)
                {
                    Problem(gateNode, path + ".gate", "a gate must be a mapping {role, to}");
                }
                else
                {
                    CheckFields(gateMap, path + ".gate", GateFields);
                    var role = ReadRole(gateMap, path + ".gate");
                    var to = RequiredScalar(gateMap, path + ".gate", "to");
                    if (role is not null && to is not null)
                    {
                        gate = new GateDefinition(role, to);
                    }
                }
            }

            var transitions = new List<EventTransition>();
            var transitionIndex = -1;
            foreach (var (item, itemPath) in Items(node, path, "transitions"))
            {
                transitionIndex++;
                if (item is not YamlMappingNode map)
                {
                    Problem(item, itemPath, "a transition must be a mapping {to, on, guard}");
                    continue;
                }

                CheckFields(map, itemPath, TransitionFields);
                var to = RequiredScalar(map, itemPath, "to");
                var on = RequiredScalar(map, itemPath, "on");
                var guard = ReadGuard(map, itemPath);
                if (to is null || on is null)
                {
                    continue;
                }

                if (on == "timer")
                {
                    if (ReadDateRef(map, itemPath) is { } at)
                    {
                        // A negative index remembers that this timer was written in 'transitions'.
                        timers.Add(new TimerDefinition(-transitionIndex - 1, at, to, null, guard));
                    }
                }
                else if (on == "approval")
                {
                    var role = ReadRole(map, itemPath);
                    if (gate is not null)
                    {
                        Problem(map, itemPath, "a stage has at most one approval gate");
                    }
                    else if (role is not null)
                    {
                        gate = new GateDefinition(role, to);
                    }
                }
                else if (on.StartsWith("event:", StringComparison.Ordinal))
                {
                    var eventName = on["event:".Length..];
                    if (!catalog.Events.Contains(eventName))
                    {
                        Problem(Child(map, "on"), itemPath + ".on", $"unknown event '{eventName}'" + Suggest(eventName, catalog.Events));
                    }

                    foreach (var extra in new[] { "at", "offset", "time", "role" }.Where(f => Child(map, f) is not null))
                    {
                        Problem(Child(map, extra), $"{itemPath}.{extra}", $"'{extra}' is not allowed on an event transition");
                    }

                    transitions.Add(new EventTransition(transitionIndex, to, eventName, guard));
                }
                else
                {
                    Problem(Child(map, "on"), itemPath + ".on", $"'{on}' is not a trigger: use timer, approval or event:<name>");
                }
            }

            return key is null || name is null
                ? null
                : new StageDefinition(key, name, final, onEnter, timers, gate, transitions);
        }

        private string? ReadGuard(YamlMappingNode node, string path)
        {
            var guard = OptionalScalar(node, path, "guard");
            if (guard is not null && !catalog.Guards.Contains(guard))
            {
                Problem(Child(node, "guard"), path + ".guard", $"unknown guard '{guard}'" + Suggest(guard, catalog.Guards));
            }

            return guard;
        }

        private string? ReadRole(YamlMappingNode node, string path)
        {
            var role = RequiredScalar(node, path, "role");
            if (role is not null && !catalog.Roles.Contains(role))
            {
                // Keep the gate so that one wrong name does not also report its stage as a dead end.
                Problem(Child(node, "role"), path + ".role", $"unknown role '{role}'" + Suggest(role, catalog.Roles));
            }

            return role;
        }

        /// <summary>Reads <c>every</c> (a positive whole number of days or weeks) and <c>until</c> (a campaign date), which go together on activity timers.</summary>
        private (IsoOffset? Every, string? Until) ReadRepeat(YamlMappingNode node, string path, bool isTransition)
        {
            var everyText = OptionalScalar(node, path, "every");
            var until = OptionalScalar(node, path, "until");
            if (everyText is null && until is null)
            {
                return (null, null);
            }

            if (isTransition)
            {
                Problem(node, path, "a timer that moves to another stage fires once; 'every' and 'until' are for activity timers");
                return (null, null);
            }

            if (everyText is null || until is null)
            {
                Problem(node, path, "a repeating timer needs both 'every' (e.g. P1D) and 'until' (a campaign date)");
                return (null, null);
            }

            if (!IsoOffset.TryParse(everyText, out var every) || every!.Negative || every.Years != 0 || every.Months != 0 || every.Time != TimeSpan.Zero
                || every.Weeks * 7 + every.Days <= 0)
            {
                Problem(Child(node, "every"), path + ".every", $"'{everyText}' is not a positive number of days or weeks such as P1D or P1W");
                return (null, null);
            }

            if (!catalog.DateNames.Contains(until))
            {
                Problem(Child(node, "until"), path + ".until", $"undefined campaign date '{until}'" + Suggest(until, catalog.DateNames));
            }

            return (every, until);
        }

        private CampaignDateRef? ReadDateRef(YamlMappingNode node, string path)
        {
            // Problems are recorded but the reference is still returned when 'at' is present, so that
            // one wrong date does not also report the stages behind the timer as unreachable.
            var at = RequiredScalar(node, path, "at");
            if (at is not null && !catalog.DateNames.Contains(at))
            {
                Problem(Child(node, "at"), path + ".at", $"undefined campaign date '{at}'" + Suggest(at, catalog.DateNames));
            }

            IsoOffset? offset = null;
            var offsetText = OptionalScalar(node, path, "offset");
            if (offsetText is not null && !IsoOffset.TryParse(offsetText, out offset))
            {
                Problem(Child(node, "offset"), path + ".offset", $"'{offsetText}' is not an ISO-8601 duration such as -P7D or PT12H");
            }

            TimeOnly? time = null;
            var timeText = OptionalScalar(node, path, "time");
            if (timeText is not null)
            {
                if (TimeOnly.TryParseExact(timeText, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    time = parsed;
                }
                else
                {
                    Problem(Child(node, "time"), path + ".time", $"'{timeText}' is not a local time HH:mm");
                }
            }

            return at is null ? null : new CampaignDateRef(at, offset, time);
        }

        /// <summary>
        /// Reads <c>{activity: name, param: value...}</c> or a bare <c>name</c>. When
        /// <paramref name="ownFields"/> is given, the activity is inline in a timer and those fields are not parameters.
        /// </summary>
        private ActivityInvocation? ReadActivity(YamlNode node, string path, string[]? ownFields = null)
        {
            if (node is YamlScalarNode bare)
            {
                return CheckActivity(bare, path, bare.Value ?? "", new Dictionary<string, string>(), null);
            }

            if (node is not YamlMappingNode map)
            {
                Problem(node, path, "an activity must be a name or a mapping {activity: name, ...}");
                return null;
            }

            var nameNode = Child(map, "activity");
            var name = RequiredScalar(map, path, "activity");
            if (name is null)
            {
                return null;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var parameterNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (k, v) in map.Children)
            {
                var field = Scalar(k) ?? "";
                if (field == "activity" || (ownFields?.Contains(field) ?? false))
                {
                    continue;
                }

                if (Scalar(v) is not { } value)
                {
                    Problem(v, $"{path}.{field}", "an activity parameter must be a scalar");
                    continue;
                }

                parameters[field] = value;
                parameterNodes[field] = k;
            }

            return CheckActivity(nameNode!, path + ".activity", name, parameters, parameterNodes, path);
        }

        private ActivityInvocation? CheckActivity(
            YamlNode nameNode, string field, string name, Dictionary<string, string> parameters,
            Dictionary<string, YamlNode>? parameterNodes, string? basePath = null)
        {
            if (!catalog.Activities.TryGetValue(name, out var allowed))
            {
                Problem(nameNode, field, $"unknown activity '{name}'" + Suggest(name, catalog.Activities.Keys));
                return null;
            }

            var ok = true;
            foreach (var (parameter, value) in parameters)
            {
                var node = parameterNodes?[parameter];
                var parameterPath = $"{basePath ?? field}.{parameter}";
                if (!allowed.Contains(parameter))
                {
                    Problem(node, parameterPath, $"unknown field '{parameter}' for activity '{name}'" + Suggest(parameter, allowed));
                    ok = false;
                }
                else if (parameter == "template" && !catalog.Templates.Contains(value))
                {
                    Problem(node, parameterPath, $"unknown template '{value}'" + Suggest(value, catalog.Templates));
                    ok = false;
                }
                else if (parameter == "audience" && !catalog.Audiences.Contains(value))
                {
                    Problem(node, parameterPath, $"unknown audience '{value}'" + Suggest(value, catalog.Audiences));
                    ok = false;
                }
            }

            return ok ? new ActivityInvocation(name, parameters) : null;
        }

        private LocalizedName? ReadName(YamlMappingNode node, string path)
        {
            var field = Join(path, "name");
            var nameNode = Child(node, "name");
            if (nameNode is not YamlMappingNode map)
            {
                Problem(nameNode ?? node, field, "a name is required as {vi: ..., en: ...}");
                return null;
            }

            CheckFields(map, field, NameFields);
            var vi = RequiredScalar(map, field, "vi");
            var en = RequiredScalar(map, field, "en");
            return vi is null || en is null ? null : new LocalizedName(vi, en);
        }

        private IEnumerable<(YamlNode Item, string Path)> Items(YamlMappingNode node, string path, string field)
        {
            var list = Child(node, field);
            if (list is null)
            {
                yield break;
            }

            if (list is not YamlSequenceNode seq)
            {
                Problem(list, $"{path}.{field}", "must be a list");
                yield break;
            }

            for (var i = 0; i < seq.Children.Count; i++)
            {
                yield return (seq.Children[i], $"{path}.{field}[{i}]");
            }
        }

        private void CheckFields(YamlMappingNode node, string path, string[] allowed)
        {
            foreach (var keyNode in node.Children.Keys)
            {
                var name = Scalar(keyNode) ?? "";
                if (!allowed.Contains(name))
                {
                    Problem(keyNode, Join(path, name), $"unknown field '{name}'" + Suggest(name, allowed));
                }
            }
        }

        private string? RequiredScalar(YamlMappingNode node, string path, string field)
        {
            var child = Child(node, field);
            if (child is null)
            {
                Problem(node, Join(path, field), "is required");
                return null;
            }

            var value = Scalar(child);
            if (string.IsNullOrWhiteSpace(value))
            {
                Problem(child, Join(path, field), "must be a non-empty text");
                return null;
            }

            return value;
        }

        private string? OptionalScalar(YamlMappingNode node, string path, string field)
        {
            var child = Child(node, field);
            if (child is null)
            {
                return null;
            }

            var value = Scalar(child);
            if (string.IsNullOrWhiteSpace(value))
            {
                Problem(child, Join(path, field), "must be a non-empty text");
                return null;
            }

            return value;
        }

        private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

        private static YamlNode? Child(YamlNode node, string field) =>
            node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(field), out var child) ? child : null;

        private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

        private static string Suggest(string value, IEnumerable<string> known)
        {
            var best = known
                .Select(k => (Key: k, Distance: Distance(value, k)))
                .Where(x => x.Distance <= Math.Max(2, value.Length / 4))
                .OrderBy(x => x.Distance)
                .FirstOrDefault();
            return best.Key is null ? "" : $" (did you mean '{best.Key}'?)";
        }

        private static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
