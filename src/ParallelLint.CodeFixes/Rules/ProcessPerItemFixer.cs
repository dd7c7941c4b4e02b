using System.Collections.Immutable;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes;

/// <summary>
/// PL3001's fix: the same commands through ParallelLint.Runtime's job executor, which bounds the slots. Two shapes:
/// start-and-wait per item in <c>Parallel.ForEach</c>/<c>Parallel.For</c> (what follows the wait runs per item on
/// its result, through <c>ForEachAsync</c>), and start-all-then-wait-all (<c>items.Select(x => Process.Start(..)).ToList()</c>
/// and the loop that waits, through <c>RunAllAsync</c>). Without the runtime, a parallel body gets a bounded
/// <c>ParallelOptions</c>. Offered only where the commands translate exactly and the result compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ProcessPerItemFixer))]
public sealed class ProcessPerItemFixer : RewriteFixer
{
    internal const string Key = "PL3001.JobExecutor";

    /// <summary>The fix for ProcessPerItem's diagnostics.</summary>
    public ProcessPerItemFixer()
        : base(RuleIds.ProcessPerItem, new Fix(Key, "Run the commands through the job executor, with bounded slots"))
    {
    }

    /// <inheritdoc/>
    /// <remarks>The analyzer's Shape property says which of the two shapes it found.</remarks>
    private protected override Task<Document?> FixAsync(Finding finding, string equivalenceKey, CancellationToken cancellation)
    {
        var (root, model) = (finding.Root, finding.Model);
        var types = KnownTypes.Of(model.Compilation);
        // A start inside a called method is not rewritten from its caller: no fix.
        var fixedRoot = finding.Property(ProcessPerItemAnalyzer.ThroughProperty) is null &&
                        finding.Node is InvocationExpressionSyntax node &&
                        model.GetOperation(node, cancellation) is IInvocationOperation invocation &&
                        ProcessStart.Recognize(invocation, types, locals: null) is { Invocation.Instance: null } start
            ? finding.Property(ProcessPerItemAnalyzer.ShapeProperty) switch
            {
                ProcessPerItemAnalyzer.ParallelShape => InParallelBody(root, model, start, types),
                ProcessPerItemAnalyzer.FanOutShape => AllThenWaitAll(root, model, start, types, cancellation),
                _ => null,
            }
            : null;
        return finding.CompleteAsync(fixedRoot, cancellation);
    }

    /// <summary>
    /// <c>Parallel.ForEach(items, x => { var p = Process.Start(..); p.WaitForExit(); rest })</c> becomes
    /// <c>JobExecutor.Shared.ForEachAsync(items, x => new Job(..), (x, p) => { rest })</c>, awaited.
    /// </summary>
    private static SyntaxNode? InParallelBody(SyntaxNode root, SemanticModel model, ProcessStart start, KnownTypes types)
    {
        // The start is the first statement of a Parallel.For/ForEach lambda, its wait the second.
        var (statements, process) = StartAndWait(start);
        var lambda = start.Invocation.Syntax.FirstAncestorOrSelf<LambdaExpressionSyntax>();
        var item = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0].Identifier.ValueText,
            _ => null,
        };
        if (statements is null || item is null ||
            (lambda!.ExpressionBody is null && statements[0].Parent != lambda.Block) ||
            lambda.Parent?.Parent?.Parent is not InvocationExpressionSyntax parallelCall ||
            parallelCall.Parent is not (ExpressionStatementSyntax or ArrowExpressionClauseSyntax) ||
            model.GetSymbolInfo(parallelCall).Symbol is not IMethodSymbol { Name: "For" or "ForEach" } parallel ||
            !KnownTypes.Is(parallel.ContainingType, types.Parallel))
        {
            return null;
        }

        var call = parallelCall.ArgumentList.Arguments;
        var items = (parallelCall.Expression as MemberAccessExpressionSyntax)?.Name.Identifier.ValueText switch
        {
            "ForEach" when call.Count == 2 => call[0].Expression,
            "For" when call.Count == 3 => Range(call[0].Expression, call[1].Expression),
            _ => null,
        };
        if (items is null || Job(start, types) is not { } job)
        {
            return null;
        }

        if (types.JobExecutor is null)
        {
            // Without the runtime: the same loop with at most one process per core.
            var bounded = parallelCall.WithArgumentList(parallelCall.ArgumentList.WithArguments(call.Insert(call.Count - 1, Argument(
                ParseExpression("new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = System.Environment.ProcessorCount }")
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)))));
            return root.ReplaceNode(parallelCall, bounded);
        }

        var rest = statements.Skip(2).ToList();
        var jobLambda = SimpleLambdaExpression(Parameter(Identifier(item)), job);
        ExpressionSyntax run = rest.Count == 0
            ? Executor("RunAllAsync", Argument(Select(items, jobLambda)))
            : Executor(
                "ForEachAsync",
                Argument(items),
                Argument(jobLambda),
                Argument(ParenthesizedLambdaExpression(
                    ParameterList(SeparatedList(new[] { Parameter(Identifier(item)), Parameter(Identifier(process ?? "result")) })),
                    Statements.MultiLineBlock(rest).WithAdditionalAnnotations(Formatter.Annotation),
                    null)));
        return root.ReplaceNode(parallelCall, Awaited(run, parallelCall).WithTriviaFrom(parallelCall));
    }

    /// <summary>
    /// <c>var ps = items.Select(x => Process.Start(..)).ToList();</c> and later <c>foreach (var p in ps) p.WaitForExit();</c>
    /// become <c>var ps = JobExecutor.Shared.RunAllAsync(items.Select(x => new Job(..)))</c>, awaited, with the waits removed.
    /// Without the waits, the same, where nothing after it touches a process: the jobs have ended by then.
    /// </summary>
    private static SyntaxNode? AllThenWaitAll(SyntaxNode root, SemanticModel model, ProcessStart start, KnownTypes types, CancellationToken cancellation)
    {
        if (types.JobExecutor is null ||
            Unsuppressed(start.Invocation.Syntax).Parent is not (LambdaExpressionSyntax { Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax select } } } startLambda) ||
            select.Expression is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Select", Expression: var items } ||
            select.Parent is not MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToList" or "ToArray", Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } materialized } ||
            materialized.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type.IsVar: true, Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } declarator } ||
            declaration.Parent is not BlockSyntax block ||
            Job(start, types) is not { } job)
        {
            return null;
        }

        // The loops that wait: `foreach (var p in ps) p.WaitForExit();` or with the wait first in a block.
        var name = declarator.Identifier.ValueText;
        var waits = new List<StatementSyntax>();
        foreach (var loop in block.Statements.OfType<ForEachStatementSyntax>().Where(l => l.Expression is IdentifierNameSyntax { Identifier.ValueText: var n } && n == name))
        {
            var waitStatement = loop.Statement is BlockSyntax body ? body.Statements.FirstOrDefault() : loop.Statement;
            if (waitStatement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WaitForExit", Expression: IdentifierNameSyntax target }, ArgumentList.Arguments.Count: 0 } } &&
                target.Identifier.ValueText == loop.Identifier.ValueText)
            {
                waits.Add(loop.Statement is BlockSyntax { Statements.Count: > 1 } ? waitStatement : loop);
            }
        }

        // Unwaited, `ps` holds running processes: code after it that asks one anything (HasExited, Kill, Id, ExitCode
        // before an exit) means something else of a job that has ended, even where it compiles.
        if (waits.Count == 0 && TouchesAProcess(block.Statements.Skip(block.Statements.IndexOf(declaration) + 1), model, types, cancellation))
        {
            return null;
        }

        var parameter = startLambda is SimpleLambdaExpressionSyntax simple ? simple.Parameter : ((ParenthesizedLambdaExpressionSyntax)startLambda).ParameterList.Parameters.Single();
        var run = Awaited(Executor("RunAllAsync", Argument(Select(items, SimpleLambdaExpression(parameter, job)))), declaration);
        var tracked = root.TrackNodes(waits.Append<SyntaxNode>(materialized));
        tracked = tracked.ReplaceNode(tracked.GetCurrentNode(materialized)!, run);
        return tracked.RemoveNodes(waits.Select(wait => tracked.GetCurrentNode(wait)!), SyntaxRemoveOptions.KeepNoTrivia);
    }

    private static bool TouchesAProcess(IEnumerable<StatementSyntax> statements, SemanticModel model, KnownTypes types, CancellationToken cancellation) =>
        statements
            .Select(statement => model.GetOperation(statement, cancellation))
            .SelectMany(operation => operation?.DescendantsAndSelf() ?? Enumerable.Empty<IOperation>())
            .Any(operation => operation switch
            {
                IMemberReferenceOperation { Instance.Type: var type } => KnownTypes.Is(type, types.Process),
                IInvocationOperation { Instance.Type: var type } => KnownTypes.Is(type, types.Process),
                _ => false,
            });

    /// <summary>The job for the start's command, or null where it does not translate exactly.</summary>
    private static ExpressionSyntax? Job(ProcessStart start, KnownTypes types)
    {
        var arguments = start.Invocation.Arguments;
        var jobType = ParseTypeName("ParallelLint.Runtime.Jobs.Job").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        if (start.StartInfo is not null)
        {
            return arguments.Length == 1 ? FromStartInfo(start.StartInfo, jobType) : null;
        }

        var file = (arguments.FirstOrDefault()?.Syntax as ArgumentSyntax)?.Expression;
        if (file is null)
        {
            return null;
        }

        if (arguments.Length == 1)
        {
            return New(jobType, new[] { file });
        }

        if (arguments.Length != 2 || arguments[1].Syntax is not ArgumentSyntax { Expression: var second })
        {
            return null;
        }

        if (arguments[1].Parameter?.Type.SpecialType != SpecialType.System_String)
        {
            // Process.Start(file, IEnumerable<string>): the list as it is.
            return New(jobType, new[] { file, second });
        }

        return CommandLine.Split(arguments[1].Value) is { } split ? New(jobType, new[] { file }.Concat(split)) : null;
    }

    private static ExpressionSyntax? FromStartInfo(IOperation startInfo, TypeSyntax jobType)
    {
        if (startInfo.WalkDownConversion() is not IObjectCreationOperation { Arguments.Length: >= 1 and <= 2 } creation ||
            creation.Arguments[0].Syntax is not ArgumentSyntax { Expression: var file })
        {
            return null;
        }

        var args = new List<ExpressionSyntax> { file };
        if (creation.Arguments.Length == 2)
        {
            if (CommandLine.Split(creation.Arguments[1].Value) is not { } split)
            {
                return null;
            }

            args.AddRange(split);
        }

        var settings = new List<ExpressionSyntax>();
        foreach (var member in creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty)
        {
            switch (member)
            {
                case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation { Property.Name: "ArgumentList" }, Initializer: IObjectOrCollectionInitializerOperation list } when creation.Arguments.Length == 1:
                    foreach (var add in list.Initializers)
                    {
                        if (add is not IInvocationOperation { Arguments.Length: 1 } call || call.Arguments[0].Value.Syntax is not ExpressionSyntax value)
                        {
                            return null;
                        }

                        args.Add(value);
                    }

                    break;
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "WorkingDirectory" } } assignment:
                    settings.Add(Options.Assignment("WorkingDirectory", (ExpressionSyntax)assignment.Value.Syntax));
                    break;
                case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation { Property.Name: "Environment" } } environment:
                    settings.Add(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("Environment"), ((AssignmentExpressionSyntax)environment.Syntax).Right));
                    break;

                // A job never runs through a shell and never opens a window: these settings say so already.
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "UseShellExecute" }, Value.ConstantValue.Value: false }:
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "CreateNoWindow" }, Value.ConstantValue.Value: true }:
                    break;
                default:
                    return null;
            }
        }

        var job = New(jobType, args);
        return settings.Count == 0 ? job : job.WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SeparatedList(settings)));
    }

    /// <summary>The start, its wait right after it, and what follows, from a lambda body; and the process local's name.</summary>
    private static (IReadOnlyList<StatementSyntax>? Statements, string? Process) StartAndWait(ProcessStart start)
    {
        var syntax = start.Invocation.Syntax;

        // `Process.Start(..).WaitForExit()` as a whole statement or expression body.
        var chained = Unsuppressed(syntax);
        if (chained.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WaitForExit", Parent: InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } wait })
        {
            return wait.Parent switch
            {
                ExpressionStatementSyntax { Parent: BlockSyntax { Statements.Count: 1 } } statement => (new[] { statement, statement }, null),
                LambdaExpressionSyntax => (new StatementSyntax[] { ExpressionStatement(wait), ExpressionStatement(wait) }, null),
                _ => (null, null),
            };
        }

        // `[using] var p = Process.Start(..);` then `p.WaitForExit();` as the body's first two statements.
        if (start.Process is not { } local ||
            chained.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } } ||
            declaration.Parent is not BlockSyntax body || body.Statements.IndexOf(declaration) != 0 || body.Statements.Count < 2 ||
            body.Statements[1] is not ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WaitForExit", Expression: IdentifierNameSyntax waited }, ArgumentList.Arguments.Count: 0 } } ||
            waited.Identifier.ValueText != local.Name)
        {
            return (null, null);
        }

        return (body.Statements, local.Name);
    }

    /// <summary>The expression with its <c>!</c>, if it has one: what its parent sees.</summary>
    private static SyntaxNode Unsuppressed(SyntaxNode expression) =>
        expression.Parent is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression } bang ? bang : expression;

    // The process's shared executor: call sites share its slots, and nothing needs disposing or leaves a folder.
    private static ExpressionSyntax Executor(string method, params ArgumentSyntax[] arguments) =>
        InvocationExpression(
            MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                ParseExpression("ParallelLint.Runtime.Jobs.JobExecutor.Shared").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                IdentifierName(method)),
            ArgumentList(SeparatedList(arguments)));

    /// <summary>Awaited in an async function; waited for (as the parallel loop waited) elsewhere.</summary>
    private static ExpressionSyntax Awaited(ExpressionSyntax task, SyntaxNode at) =>
        Names.IsInAsyncFunction(at)
            ? AwaitExpression(task)
            : InvocationExpression(MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, task, IdentifierName("GetAwaiter"))),
                IdentifierName("GetResult")));

    private static ExpressionSyntax Select(ExpressionSyntax items, ExpressionSyntax selector) =>
        InvocationExpression(
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, items.WithoutTrivia(), IdentifierName("Select")),
            ArgumentList(SingletonSeparatedList(Argument(selector))))
        .WithAdditionalAnnotations(Simplifier.AddImportsAnnotation);

    private static ExpressionSyntax Range(ExpressionSyntax from, ExpressionSyntax to) =>
        ParseExpression(from is LiteralExpressionSyntax { Token.ValueText: "0" }
                ? $"System.Linq.Enumerable.Range(0, {to})"
                : $"System.Linq.Enumerable.Range({from}, {to} - ({from}))")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    private static ObjectCreationExpressionSyntax New(TypeSyntax type, IEnumerable<ExpressionSyntax> arguments) =>
        ObjectCreationExpression(type, ArgumentList(SeparatedList(arguments.Select(a => Argument(a.WithoutTrivia())))), null);
}
