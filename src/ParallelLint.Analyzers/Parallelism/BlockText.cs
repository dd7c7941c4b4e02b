using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ParallelLint.Analyzers.Parallelism;

/// <summary>
/// A look at the source text of an operation block before any semantic work: a block that calls a method by a name
/// shows the name in its text, so a block whose text lacks it can be passed over. Identifiers may spell letters as
/// <c>\u</c> escapes: a block with any backslash-u in its text is treated as if it said the name.
/// </summary>
internal static class BlockText
{
    private const int ChunkLength = 4096;

    [ThreadStatic]
    private static char[]? chunk;

    /// <summary>False only when no block's text can spell <paramref name="name"/> as an identifier.</summary>
    public static bool MaySay(ImmutableArray<IOperation> blocks, string name)
    {
        foreach (var block in blocks)
        {
            if (block.Syntax is { } syntax && MaySay(syntax.SyntaxTree, syntax.Span, name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool MaySay(SyntaxTree tree, TextSpan span, string name)
    {
        var text = tree.TryGetText(out var parsed) ? parsed : tree.GetText();
        var buffer = chunk ??= new char[ChunkLength];

        // Chunks overlap by the name's length less one, so that no occurrence straddles two unseen.
        var overlap = Math.Max(name.Length, 2) - 1;
        for (var position = span.Start; position < span.End; position += ChunkLength - overlap)
        {
            var length = Math.Min(ChunkLength, span.End - position);
            text.CopyTo(position, buffer, 0, length);
            if (Contains(buffer, length, name))
            {
                return true;
            }

            if (position + length >= span.End)
            {
                break;
            }
        }

        return false;
    }

    private static bool Contains(char[] buffer, int length, string name)
    {
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (c == '\\' && i + 1 < length && buffer[i + 1] is 'u' or 'U')
            {
                return true;
            }

            if (c == name[0] && i + name.Length <= length && At(buffer, i, name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool At(char[] buffer, int index, string name)
    {
        for (var k = 1; k < name.Length; k++)
        {
            if (buffer[index + k] != name[k])
            {
                return false;
            }
        }

        return true;
    }
}
