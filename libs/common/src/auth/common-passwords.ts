/**
 * A small bundled list of passwords attackers try first: the top of the public leak lists (English and
 * Chinese users), keyboard walks, and the base words people decorate with digits and symbols. The
 * policy compares the whole password and its "core" (letters left when leading and trailing digits and
 * symbols are stripped, leetspeak undone) against this list, so `Password2024!` and `P@ssw0rd123`
 * are refused too. Lower case; keep it short (it ships with the API).
 */
export const COMMON_PASSWORDS: readonly string[] = [
  // whole passwords seen most in leaks (the policy's other rules already refuse most short ones)
  '123456', '12345678', '123456789', '1234567890', '12345678910', '0123456789', '1234567890a', '111111', '11111111', '000000', '00000000',
  '123123', '123123123', '123321', '654321', '666666', '888888', '88888888', '112233', '121212', '147258369', '159357', '987654321', '9876543210',
  '5201314', '5201314520', '1314520', '520520', 'woaini', 'woaini1314', 'woaini520', 'woaini123', 'woaiwojia', 'wodemima',
  'qq123456', 'qq123456789', 'a123456', 'a123456789', 'a12345678', 'aa123456', 'aa12345678', 'abc123', 'abc123456', 'abc12345678',
  'abcd1234', 'abcd123456', 'abcdefg', 'abcdefgh', 'abcdefghij', 'a1b2c3d4', 'a1b2c3d4e5', '1a2b3c4d', '123456a', '123456abc', '123qwe', '123qweasd', '123qweasdzxc',
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pa$$word', 'passwd',
  'qwerty', 'qwerty123', 'qwerty1234', 'qwertyuiop', 'qwertyuiop123', 'qwe123', 'qwe123456', 'qweasd', 'qweasdzxc', 'qweasdzxc123', 'asdfghjkl', 'asdf1234', 'zxcvbnm', 'zxcvbnm123',
  '1qaz2wsx', '1qaz2wsx3edc', '1q2w3e4r', '1q2w3e4r5t', '1q2w3e', 'q1w2e3r4', 'q1w2e3r4t5', 'qazwsx', 'qazwsxedc', 'qazwsx123', '!qaz2wsx', '1qaz@wsx', '1qaz!qaz',
  'iloveyou', 'iloveyou1', 'letmein', 'welcome', 'welcome1', 'welcome123', 'admin', 'admin123', 'admin1234', 'admin12345', 'admin@123', 'administrator', 'root', 'root123', 'toor',
  'test', 'test123', 'test1234', 'guest', 'changeme', 'default', 'secret', 'master', 'monkey', 'dragon', 'sunshine', 'princess', 'football', 'baseball', 'superman', 'trustno1',
  'shadow', 'michael', 'jessica', 'charlie', 'computer', 'internet', 'whatever', 'starwars', 'freedom', 'access', 'login', 'hello', 'hello123', 'helloworld',
  // base words (matched against the core of a decorated password)
  'pass', 'pwd', 'mima', 'zhongguo', 'china', 'beijing', 'shanghai', 'aini', 'laopo', 'laogong', 'baobao', 'zhangwei', 'wangwei', 'liuyang', 'woaini', 'iloveu',
  'gov', 'govcn', 'zhengfu', 'zhengwu', 'gongkai', 'zwgk', 'xxgk', 'user', 'manager', 'system', 'sysadmin', 'server', 'oracle', 'mysql', 'postgres', 'redis',
];
