using System.Text;

namespace CaseFlow.Core.Cases;

/// <summary>
/// Folds a name for accent- and case-insensitive search: lower case, Latin letters with diacritics to their base letters
/// (García → garcia, Łukasz → lukasz, Straße → strasse), Cyrillic ё/й to е/и, runs of white space to one space.
/// A table, not Unicode normalization: CaseFlow runs with invariant globalization, where normalization is not available.
/// </summary>
public static class SearchText
{
    private const string From = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳёЁйЙ";
    private const string To = "aaaaaaceeeeiiiidnoooooouuuuyaaaaaaceeeeiiiidnoooooouuuuyyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjkkkllllllllllnnnnnnnoooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeooooooooyyееии";

    private static readonly Dictionary<char, string> Map = BuildMap();

    private static Dictionary<char, string> BuildMap()
    {
        var map = new Dictionary<char, string> { ['Æ'] = "ae", ['Þ'] = "th", ['ß'] = "ss", ['æ'] = "ae", ['þ'] = "th", ['Ĳ'] = "ij", ['ĳ'] = "ij", ['Œ'] = "oe", ['œ'] = "oe", ['Ǆ'] = "dz", ['ǅ'] = "dz", ['ǆ'] = "dz", ['Ǉ'] = "lj", ['ǈ'] = "lj", ['ǉ'] = "lj", ['Ǌ'] = "nj", ['ǋ'] = "nj", ['ǌ'] = "nj", ['Ǳ'] = "dz", ['ǲ'] = "dz", ['ǳ'] = "dz" };
        for (var i = 0; i < From.Length; i++) map[From[i]] = To[i].ToString();
        return map;
    }

    public static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                if (!space) folded.Append(' ');
                space = true;
                continue;
            }
            space = false;
            if (Map.TryGetValue(c, out var plain)) folded.Append(plain);
            else folded.Append(char.ToLowerInvariant(c));
        }
        return folded.ToString().TrimEnd();
    }
}
