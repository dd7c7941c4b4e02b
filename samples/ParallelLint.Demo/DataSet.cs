using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ParallelLint.Demo;

/// <summary>The input every worker needs: a table of numbers, sent to each worker as CSV text.</summary>
internal sealed class DataSet
{
    private const int Columns = 8;
    private readonly double[] values;

    public DataSet(int rows)
    {
        var random = new Random(20261130);
        values = new double[Math.Max(1, rows) * Columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextDouble() * 1000;
        }
    }

    public int Rows => values.Length / Columns;

    /// <summary>What serializing and writing one row costs here, warm (the best of several rounds).</summary>
    public static double SecondsPerRow()
    {
        var sample = new DataSet(20_000);
        var scratch = Path.GetTempFileName();
        try
        {
            var best = double.MaxValue;
            for (var round = 0; round < 7; round++)
            {
                var clock = Stopwatch.StartNew();
                File.WriteAllText(scratch, sample.ToCsv());
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            return best / sample.Rows;
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>Serializes the whole table: what a parent does for every worker it sends the data to.</summary>
    public string ToCsv()
    {
        var text = new StringBuilder(values.Length * 20);
        for (var row = 0; row < Rows; row++)
        {
            for (var column = 0; column < Columns; column++)
            {
                text.Append(values[row * Columns + column].ToString("R", CultureInfo.InvariantCulture));
                text.Append(column < Columns - 1 ? ',' : '\n');
            }
        }

        return text.ToString();
    }
}
