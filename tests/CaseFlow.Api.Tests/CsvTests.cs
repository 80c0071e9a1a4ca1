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
    [InlineData(",b", "\",b\"")]   // a comma first is quoted too
    [InlineData("\"b", "\"\"\"b\"")]
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
        string[] fields = ["Müller, Anna", "say \"hi\"", "x\",y", "two\nlines", "plain", ""];
        var read = Csv.Read(new StringReader(Csv.Line(fields))).Single();
        Assert.Equal(fields, read);
    }

    [Fact]
    public void AnEmptyText_HasNoRows_AndALastLineWithoutItsEnd_IsARow()
    {
        Assert.Empty(Csv.Read(new StringReader("")));
        Assert.Equal([["a", "b"]], Csv.Read(new StringReader("a,b\n")));
        Assert.Equal([["a"], ["b", ""]], Csv.Read(new StringReader("a\r\nb,")));
    }
}
