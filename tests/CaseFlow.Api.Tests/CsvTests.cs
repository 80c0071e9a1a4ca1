using CaseFlow.Core.Imports;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>The console's CSV files: what a spreadsheet opens is what was written, and no cell runs as a formula.</summary>
public sealed class CsvTests
{
    [Theory]
    [InlineData("García", "García")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+7 701", "'+7 701")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a=b", "a=b")] // only a leading formula sign is one
    public void AField_IsQuotedWhenItMustBe_AndAFormulaIsDefused(string? value, string expected) => Assert.Equal(expected, Csv.Field(value));

    [Fact]
    public void ALine_ReadsBackAsItsFields()
    {
        string[] fields = ["Müller, Anna", "say \"hi\"", "two\nlines", "plain", ""];
        var read = Csv.Read(new StringReader(Csv.Line(fields))).Single();
        Assert.Equal(fields, read);
    }
}
