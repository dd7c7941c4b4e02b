using System.Text;
using Microsoft.CodeAnalysis.Operations;
using ParallelLint.Analyzers.Parallelism;

namespace ParallelLint.CodeFixes.Rewriting;

/// <summary>
/// A command line written as one string (<c>ProcessStartInfo.Arguments</c>), as the argument list a job takes. .NET
/// splits such a string at spaces and tabs and reads quotes and backslashes; a string with neither splits at its
/// spaces alone, so only those are translated: a constant into its words, an interpolated string into its words
/// with each hole kept in its word, a variable as one argument (a value is then one argument even if it holds a
/// space, where the original split it: the docs page says so).
/// </summary>
internal static class CommandLine
{
    /// <summary>The arguments, or null where the string is not a constant or interpolated string without quotes and backslashes.</summary>
    public static IReadOnlyList<ExpressionSyntax>? Split(IOperation value)
    {
        value = value.WalkDownConversion();
        if (value.ConstantValue is { HasValue: true, Value: string constant })
        {
            return Words(new[] { (object)constant });
        }

        return value switch
        {
            IInterpolatedStringOperation { Syntax: InterpolatedStringExpressionSyntax { StringStartToken.RawKind: (int)SyntaxKind.InterpolatedStringStartToken } } interpolated =>
                Words(interpolated.Parts.Select(part => part switch
                {
                    IInterpolatedStringTextOperation text => text.Text.ConstantValue.Value as string ?? "",

                    // A constant hole is text the original split like the rest.
                    IInterpolationOperation { Alignment: null, FormatString: null, Expression.ConstantValue: { HasValue: true, Value: string constant } } => constant,
                    _ => (object)part,
                })),

            // A variable alone is one hole.
            ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation
                when value.Type?.SpecialType == SpecialType.System_String && value.Syntax is ExpressionSyntax syntax => new[] { syntax.WithoutTrivia() },
            _ => null,
        };
    }

    // Pieces are text (string) or holes (IInterpolationOperation); a word is a run of pieces between separators.
    private static IReadOnlyList<ExpressionSyntax>? Words(IEnumerable<object> pieces)
    {
        var words = new List<ExpressionSyntax>();
        var word = new List<object>();
        var text = new StringBuilder();

        void EndText()
        {
            if (text.Length > 0)
            {
                word.Add(text.ToString());
                text.Clear();
            }
        }

        void EndWord()
        {
            EndText();
            if (word.Count > 0)
            {
                words.Add(Word(word));
                word.Clear();
            }
        }

        foreach (var piece in pieces)
        {
            if (piece is not string literal)
            {
                EndText();
                word.Add(piece);
                continue;
            }

            foreach (var c in literal)
            {
                if (c is '"' or '\\' || (char.IsControl(c) && c != '\t'))
                {
                    return null;
                }

                if (c is ' ' or '\t')
                {
                    EndWord();
                }
                else
                {
                    text.Append(c);
                }
            }
        }

        EndWord();
        return words;
    }

    private static ExpressionSyntax Word(IReadOnlyList<object> pieces)
    {
        switch (pieces.Count == 1 ? pieces[0] : null)
        {
            case string literal:
                return LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(literal));
            case IInterpolationOperation { Alignment: null, FormatString: null, Expression: var expression }
                when expression.Type?.SpecialType == SpecialType.System_String && expression.Syntax is ExpressionSyntax syntax:
                return syntax.WithoutTrivia();
            default:
                return InterpolatedStringExpression(
                    Token(SyntaxKind.InterpolatedStringStartToken),
                    List(pieces.Select(piece => piece is string literal
                        ? (InterpolatedStringContentSyntax)InterpolatedStringText(Token(
                            default,
                            SyntaxKind.InterpolatedStringTextToken,
                            literal.Replace("{", "{{").Replace("}", "}}"),
                            literal,
                            default))
                        : (InterpolationSyntax)((IOperation)piece).Syntax)));
        }
    }
}
