; Highlights for Rochdale rulebooks. The first pattern that matches a node
; wins (tree-sitter's order); the generic ones come last.

(comment) @comment
(string) @string
(date) @string.special
[(money) (percent) (number)] @number
(operator) @operator
["(" ")" "{" "}"] @punctuation.bracket
[(punctuation) "."] @punctuation.delimiter

(definition name: (identifier) @function)
(call name: (identifier) @function.call)
(attribute attribute: (identifier) @property)

((keyword) @boolean
  (#any-of? @boolean "true" "false"))
(keyword) @keyword

((identifier) @type
  (#match? @type "^[A-Z]"))
(identifier) @variable
